/**
 * Duplicate keys of a JSON body, which JSON.parse silently resolves to the last one. kube-apiserver's strict
 * JSON decoding (sigs.k8s.io/json `internal/golang/encoding/json/kubernetes_patch.go`, strictError) reports
 * each as `duplicate field "<path>"`, the path dotted with `[i]` for list items. The text is already known to be valid JSON.
 */
export function duplicateFields(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      skipSpace();
      if (text[i] === '}') return void i++;
      for (;;) {
        skipSpace();
        const key = readString();
        const keyPath = path ? `${path}.${key}` : key;
        if (seen.has(key)) found.push(keyPath);
        seen.add(key);
        skipSpace();
        i++; // colon
        value(keyPath);
        skipSpace();
        if (text[i++] === '}') return;
      }
    }
    if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        skipSpace();
        if (text[i++] === ']') return;
      }
    }
    if (c === '"') return void readString();
    while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
  };
  value('');
  return found;
}
