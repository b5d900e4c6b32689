/** How much of a file is read to tell binary from text (git and grep look at the first 8 KiB too). */
const SNIFF = 8192;

/** Why a binary file is not linted, in the words of the CLI and of the editor's diagnostic. */
export const BINARY_FILE = 'binary file (contains NUL bytes)';

/**
 * Whether a file is binary rather than text: a NUL in its first 8 KiB, as bytes read from disk or as the
 * text an editor decoded them to (NUL decodes to NUL). No YAML file contains one: YAML forbids it.
 */
export function isBinary(content: Uint8Array | string): boolean {
  return typeof content === 'string' ? content.slice(0, SNIFF).includes('\0') : content.subarray(0, SNIFF).includes(0);
}
