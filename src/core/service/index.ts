/** Editor features as pure functions of a parsed file and an LSP-style position in it. */
export { hover, type HoverResult } from './hover';
export { complete, type CompletionItem } from './completion';
export { documentSymbols, type DocSymbol } from './symbols';
export { foldingRanges, type FoldingRange } from './folding';
