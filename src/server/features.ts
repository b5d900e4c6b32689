import {
  CompletionItemKind,
  FoldingRangeKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  SymbolKind,
  type CompletionItem,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type Position,
} from 'vscode-languageserver/node';
import { complete, documentSymbols, foldingRanges, hover, type DocSymbol, type ParsedFile } from '../core/index';

const COMPLETION_KIND = { field: CompletionItemKind.Field, value: CompletionItemKind.Value, snippet: CompletionItemKind.Snippet, keyword: CompletionItemKind.Keyword } as const;
const SYMBOL_KIND = { object: SymbolKind.Object, array: SymbolKind.Array, key: SymbolKind.Key, event: SymbolKind.Event, string: SymbolKind.String } as const;

/**
 * With Red Hat's YAML extension holding our JSON schemas, it already describes and completes the schema's
 * fields of top-level documents: we leave those to it and keep what only we know (actions, plans, labels,
 * annotations, LVM Storage) and everything inside ConfigMap values, which it does not read.
 */
export function hoverAt(file: ParsedFile, position: Position, yamlExtensionActive = false): Hover | null {
  const result = hover(file, position);
  if (!result || (yamlExtensionActive && result.schemaOnly && !result.embedded)) return null;
  return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: result.range };
}

export function completionsAt(file: ParsedFile, position: Position, yamlExtensionActive = false): CompletionItem[] {
  const items = complete(file, position).filter((item) => !(yamlExtensionActive && item.fromSchema && !item.embedded));
  return items.map((item) => ({
    label: item.label,
    kind: COMPLETION_KIND[item.kind],
    detail: item.detail,
    documentation: item.documentation ? { kind: MarkupKind.Markdown, value: item.documentation } : undefined,
    sortText: item.sortText,
    filterText: item.filterText,
    // The core computed what the item replaces (keys with `.` and `/` are not one editor word) and the
    // absolute indentation (inside a ConfigMap block scalar too): the client must not re-indent it.
    textEdit: { range: item.range, newText: item.insertText },
    insertTextFormat: item.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    insertTextMode: InsertTextMode.asIs,
  }));
}

function toSymbol(symbol: DocSymbol): DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail,
    kind: SYMBOL_KIND[symbol.kind],
    range: symbol.range,
    selectionRange: symbol.selectionRange,
    children: symbol.children.map(toSymbol),
  };
}

export function symbolsOf(file: ParsedFile): DocumentSymbol[] {
  return documentSymbols(file).map(toSymbol);
}

export function foldingOf(file: ParsedFile): FoldingRange[] {
  return foldingRanges(file).map((r) => ({ startLine: r.startLine, endLine: r.endLine, ...(r.kind ? { kind: FoldingRangeKind.Region } : {}) }));
}
