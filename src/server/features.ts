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

export function hoverAt(file: ParsedFile, position: Position): Hover | null {
  const result = hover(file, position);
  return result ? { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: result.range } : null;
}

export function completionsAt(file: ParsedFile, position: Position): CompletionItem[] {
  return complete(file, position).map((item) => ({
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
