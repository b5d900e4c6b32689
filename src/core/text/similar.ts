/** Damerau-Levenshtein (optimal string alignment) distance, capped: returns `max + 1` once exceeded. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidates a misspelt word most likely meant, best first: an exact match ignoring case wins alone;
 * otherwise those within an edit distance that grows with the word's length.
 */
export function closest(word: string, candidates: readonly string[]): string[] {
  const lower = word.toLowerCase();
  const caseOnly = candidates.filter((c) => c.toLowerCase() === lower);
  if (caseOnly.length) return caseOnly;
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  const scored = candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase(), limit) }))
    .filter((s) => s.d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  if (scored.length === 0) return [];
  const best = scored[0].d;
  return scored.filter((s) => s.d === best).map((s) => s.c);
}
