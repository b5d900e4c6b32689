/** What a command may touch of the outside world; tests give their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<Uint8Array>;
  isTty: boolean;
  cwd: string;
  version: string;
}

/** A mistake in the command line: exit status 2 with the message and a pointer to --help. */
export class UsageError extends Error {}
