import { nodeEnd, nodeStart } from '../../yaml/ast';
import type { Resource } from '../../yaml/parse';
import type { RawFix, Report } from '../types';

/** A report on a list item, up to its last character (a block item's range runs into the next line). */
export function atItem(resource: Resource, item: unknown, message: string, fixes?: RawFix[]): Report {
  const start = nodeStart(item);
  let end = nodeEnd(item);
  while (end > start + 1 && /\s/.test(resource.yaml.text[end - 1])) end--;
  return { start, end: Math.max(end, start + 1), message, fixes };
}
