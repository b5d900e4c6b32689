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

/** One argument of a command line; `value()` takes the option's value (`--flag=v`, or the next argument). */
export interface Arg {
  arg: string;
  flag: string;
  value(): string;
}

/** The arguments of a command, one at a time: every command reads options the same way. */
export function* eachArg(argv: readonly string[]): Generator<Arg> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    yield {
      arg,
      flag,
      value: () => {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new UsageError(`${flag} needs a value`);
        return v;
      },
    };
  }
}
