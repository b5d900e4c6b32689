/**
 * Where each cluster's square goes on the grid canvas. Squares are whole device pixels (crisp at any
 * devicePixelRatio) and as large as lets every cluster fit in the height allowed, down to a floor.
 */

export interface GridLayout {
  count: number;
  cols: number;
  rows: number;
  /** Device pixels from one square's origin to the next (square plus gap). */
  pitch: number;
  /** Device pixels of a square's side. */
  size: number;
  dpr: number;
  /** The canvas's backing size in device pixels. */
  width: number;
  height: number;
}

/** Largest and smallest square pitch tried, in CSS pixels. */
const MAX_PITCH = 24;
const MIN_PITCH = 3;

/**
 * The layout of `count` squares in `widthCss` CSS pixels, as large as keeps the grid within `maxHeightCss`
 * (past the smallest pitch the grid grows taller instead).
 */
export function gridLayout(count: number, widthCss: number, maxHeightCss: number, dpr: number): GridLayout {
  const ratio = dpr > 0 && Number.isFinite(dpr) ? dpr : 1;
  const width = Math.max(1, Math.floor(widthCss));
  let pitchCss = MIN_PITCH;
  for (let p = MAX_PITCH; p >= MIN_PITCH; p--) {
    const cols = Math.max(1, Math.floor(width / p));
    if (Math.ceil(count / cols) * p <= maxHeightCss) {
      pitchCss = p;
      break;
    }
  }
  const pitch = Math.max(2, Math.round(pitchCss * ratio));
  const cols = Math.max(1, Math.floor((width * ratio) / pitch));
  const rows = Math.ceil(count / cols);
  // A gap of about one CSS pixel keeps neighbours apart; tiny squares keep a device pixel.
  const gap = pitch >= 6 ? Math.max(1, Math.round(ratio)) : 1;
  return { count, cols, rows, pitch, size: pitch - gap, dpr: ratio, width: cols * pitch, height: Math.max(1, rows * pitch) };
}

/** The square's origin in device pixels. */
export function cellOrigin(layout: GridLayout, index: number): { x: number; y: number } {
  return { x: (index % layout.cols) * layout.pitch, y: Math.floor(index / layout.cols) * layout.pitch };
}

/** The index of the square under a point given in CSS pixels from the canvas's top-left, or -1. */
export function cellAt(layout: GridLayout, xCss: number, yCss: number): number {
  const col = Math.floor((xCss * layout.dpr) / layout.pitch);
  const row = Math.floor((yCss * layout.dpr) / layout.pitch);
  if (col < 0 || row < 0 || col >= layout.cols) return -1;
  const index = row * layout.cols + col;
  return index < layout.count ? index : -1;
}

/** The square keyboard arrows move to from `index` (stays put at the edges). */
export function moveCell(layout: GridLayout, index: number, key: string): number {
  if (layout.count === 0) return -1;
  const from = index < 0 ? 0 : Math.min(index, layout.count - 1);
  switch (key) {
    case 'ArrowRight': return Math.min(layout.count - 1, from + 1);
    case 'ArrowLeft': return Math.max(0, from - 1);
    case 'ArrowDown': return from + layout.cols < layout.count ? from + layout.cols : from;
    case 'ArrowUp': return from - layout.cols >= 0 ? from - layout.cols : from;
    case 'Home': return 0;
    case 'End': return layout.count - 1;
    default: return from;
  }
}
