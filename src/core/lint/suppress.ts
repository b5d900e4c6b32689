/**
 * Suppression comments, in the style of other linters:
 *   `# ibgu-disable-file ibgu/rule-a, ibgu/rule-b`  (whole file; no ids = every rule)
 *   `# ibgu-disable-next-line ibgu/rule-a`          (the next line only)
 */
export interface Suppressions {
  hides(rule: string, line: number): boolean;
}

const NONE: Suppressions = { hides: () => false };
const DIRECTIVE = /#\s*ibgu-disable-(file|next-line)\b([^\n]*)/g;

export function suppressionsFor(text: string): Suppressions {
  if (!text.includes('ibgu-disable-')) return NONE;
  const file = new Set<string>();
  const lines = new Map<number, Set<string>>();
  let line = 0;
  let lastIndex = 0;
  for (const match of text.matchAll(DIRECTIVE)) {
    for (let i = text.indexOf('\n', lastIndex); i !== -1 && i < match.index!; i = text.indexOf('\n', i + 1)) line++;
    lastIndex = match.index!;
    const ids = match[2].split(/[\s,]+/).filter((s) => s && !s.startsWith('--'));
    const target = match[1] === 'file' ? file : (lines.get(line + 1) ?? lines.set(line + 1, new Set()).get(line + 1)!);
    if (ids.length === 0) target.add('*');
    for (const id of ids) target.add(id);
  }
  return {
    hides(rule, at) {
      if (file.has('*') || file.has(rule)) return true;
      const set = lines.get(at);
      return !!set && (set.has('*') || set.has(rule));
    },
  };
}
