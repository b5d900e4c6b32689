/**
 * The cluster grid: one square per cluster on a canvas, coloured by state from the theme. Only squares whose
 * state changed are repainted, in one animation frame; hover and the keyboard show a tooltip, a click or
 * Enter asks the host to reveal the cluster.
 */
import type { ClusterProgress } from '../../src/core/talm/readback-model';
import { CELL_KINDS, KIND_LABELS, cellKind, tooltipLines, type CellKind } from './model';
import { cellAt, cellOrigin, gridLayout, moveCell, type GridLayout } from './grid-layout';

/** The CSS custom property (main.css maps it onto the VS Code theme) holding each kind's colour. */
export const KIND_COLOR_VARS: Readonly<Record<CellKind, string>> = {
  completed: '--dash-completed',
  failed: '--dash-failed',
  'failed-early': '--dash-failed',
  'in-progress': '--dash-in-progress',
  pending: '--dash-pending',
};

const KIND_CODE = new Map(CELL_KINDS.map((k, i) => [k, i + 1]));

export class ClusterGrid {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly tooltip: HTMLElement;
  private readonly focusAnnouncer: HTMLElement;
  private clusters: ClusterProgress[] = [];
  /** The kind drawn (or to draw) per square, as KIND_CODE; 0 = nothing yet. */
  private codes = new Uint8Array(0);
  private dirty: number[] = [];
  private fullRedraw = true;
  private layout: GridLayout = gridLayout(0, 1, 1, 1);
  private frame = 0;
  private colors = new Map<CellKind | 'focus', string>();
  private focused = -1;
  private focusedName: string | undefined;
  private hovered = -1;
  private framesDrawn = 0;

  constructor(private readonly onReveal: (name: string) => void, private readonly onFocusChange: (name: string | undefined) => void) {
    this.element = document.createElement('div');
    this.element.className = 'grid-wrap';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'grid';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'cluster grid');
    this.canvas.setAttribute('aria-label', 'Clusters by state. Arrow keys move between clusters, Enter reveals the cluster in the IBGU view.');
    const context = this.canvas.getContext('2d', { alpha: true });
    if (!context) throw new Error('no 2d canvas context');
    this.context = context;
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'tooltip';
    this.tooltip.id = 'grid-tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    this.canvas.setAttribute('aria-describedby', this.tooltip.id);
    this.focusAnnouncer = document.createElement('div');
    this.focusAnnouncer.className = 'visually-hidden';
    this.focusAnnouncer.setAttribute('aria-live', 'polite');
    this.element.append(this.canvas, this.tooltip, this.focusAnnouncer);

    this.canvas.addEventListener('mousemove', (e) => this.hover(this.indexAt(e)));
    this.canvas.addEventListener('mouseleave', () => this.hover(-1));
    this.canvas.addEventListener('click', (e) => {
      const index = this.indexAt(e);
      if (index < 0) return;
      this.setFocus(index, false);
      this.onReveal(this.clusters[index]!.name);
    });
    this.canvas.addEventListener('keydown', (e) => this.key(e));
    this.canvas.addEventListener('focus', () => {
      if (this.focused < 0 && this.clusters.length) this.setFocus(0, true);
      else this.invalidate(this.focused);
    });
    this.canvas.addEventListener('blur', () => {
      this.invalidate(this.focused);
      if (this.hovered < 0) this.tooltip.hidden = true;
    });
    new ResizeObserver(() => this.relayout()).observe(this.element);
    // VS Code changes theme by rewriting the CSS variables on <html> and the class of <body>.
    const themeWatch = new MutationObserver(() => {
      this.readColors();
      this.fullRedraw = true;
      this.schedule();
    });
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.readColors();
  }

  /** The clusters to show, in grid order. Only squares whose cluster or kind changed are repainted. */
  update(clusters: ClusterProgress[]): void {
    const resized = clusters.length !== this.clusters.length;
    const previous = this.clusters;
    this.clusters = clusters;
    if (resized) {
      this.codes = new Uint8Array(clusters.length);
      this.relayout();
    }
    for (let i = 0; i < clusters.length; i++) {
      const code = KIND_CODE.get(cellKind(clusters[i]!))!;
      if (this.codes[i] !== code || (!resized && previous[i]!.name !== clusters[i]!.name)) {
        this.codes[i] = code;
        if (!this.fullRedraw) this.dirty.push(i);
      }
    }
    if (this.focusedName !== undefined && this.clusters[this.focused]?.name !== this.focusedName) {
      const moved = clusters.findIndex((c) => c.name === this.focusedName);
      this.invalidate(this.focused);
      this.focused = moved;
      if (moved < 0) this.focusedName = undefined;
      this.invalidate(moved);
    }
    if (this.hovered >= 0 || (this.focused >= 0 && document.activeElement === this.canvas)) this.showTooltip(this.hovered >= 0 ? this.hovered : this.focused);
    this.canvas.dataset.cells = String(clusters.length);
    this.schedule();
  }

  /** Keeps keyboard focus on the cluster with this name across updates (restored page state). */
  focusName(name: string | undefined): void {
    this.focusedName = name;
    this.focused = name === undefined ? -1 : this.clusters.findIndex((c) => c.name === name);
  }

  private relayout(): void {
    const width = this.element.clientWidth || 600;
    const maxHeight = Math.max(160, Math.round(window.innerHeight * 0.45));
    const next = gridLayout(this.clusters.length, width, maxHeight, window.devicePixelRatio || 1);
    const old = this.layout;
    if (next.cols === old.cols && next.pitch === old.pitch && next.count === old.count && next.dpr === old.dpr) return;
    this.layout = next;
    this.fullRedraw = true;
    this.schedule();
  }

  private readColors(): void {
    const style = getComputedStyle(document.documentElement);
    for (const kind of CELL_KINDS) this.colors.set(kind, style.getPropertyValue(KIND_COLOR_VARS[kind]).trim() || '#888');
    this.colors.set('focus', style.getPropertyValue('--dash-focus').trim() || '#fff');
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
  }

  private invalidate(index: number): void {
    if (index < 0) return;
    this.dirty.push(index);
    this.schedule();
  }

  private draw(): void {
    this.frame = 0;
    const started = performance.now();
    const { layout, context } = this;
    let painted = 0;
    if (this.fullRedraw) {
      this.fullRedraw = false;
      this.dirty = [];
      // Setting the size (even to the same value) clears the canvas; only do it when the layout changed.
      if (this.canvas.width !== layout.width || this.canvas.height !== layout.height) {
        this.canvas.width = layout.width;
        this.canvas.height = layout.height;
        this.canvas.style.width = `${layout.width / layout.dpr}px`;
        this.canvas.style.height = `${layout.height / layout.dpr}px`;
      } else context.clearRect(0, 0, layout.width, layout.height);
      for (let i = 0; i < layout.count; i++) this.paint(i);
      painted = layout.count;
    } else {
      const seen = new Set<number>();
      for (const i of this.dirty) {
        if (i >= layout.count || seen.has(i)) continue;
        seen.add(i);
        this.paint(i);
      }
      painted = seen.size;
      this.dirty = [];
    }
    this.framesDrawn++;
    // Read by the browser-level test: the geometry, what the last frame did and how long it took.
    this.canvas.dataset.frames = String(this.framesDrawn);
    this.canvas.dataset.painted = String(painted);
    this.canvas.dataset.drawMs = (performance.now() - started).toFixed(2);
    this.canvas.dataset.cols = String(layout.cols);
    this.canvas.dataset.pitch = String(layout.pitch);
    this.canvas.dataset.size = String(layout.size);
  }

  private paint(index: number): void {
    const { context, layout } = this;
    const { x, y } = cellOrigin(layout, index);
    const size = layout.size;
    context.clearRect(x, y, layout.pitch, layout.pitch);
    const kind = CELL_KINDS[this.codes[index]! - 1];
    if (!kind) return;
    context.fillStyle = this.colors.get(kind)!;
    if (kind === 'failed-early' && size >= 4) {
      // Hollow: reported by the spoke, not yet by TALM.
      const line = Math.max(1, Math.round(size / 4));
      context.fillRect(x, y, size, line);
      context.fillRect(x, y + size - line, size, line);
      context.fillRect(x, y + line, line, size - 2 * line);
      context.fillRect(x + size - line, y + line, line, size - 2 * line);
    } else {
      context.fillRect(x, y, size, size);
    }
    if (index === this.focused && document.activeElement === this.canvas) {
      context.strokeStyle = this.colors.get('focus')!;
      context.lineWidth = Math.max(1, Math.round(layout.dpr));
      const inset = context.lineWidth / 2;
      context.strokeRect(x + inset, y + inset, size - 2 * inset, size - 2 * inset);
    }
  }

  private indexAt(e: MouseEvent): number {
    const rect = this.canvas.getBoundingClientRect();
    return cellAt(this.layout, e.clientX - rect.left, e.clientY - rect.top);
  }

  private hover(index: number): void {
    if (index === this.hovered) return;
    this.hovered = index;
    this.canvas.classList.toggle('over-cell', index >= 0);
    if (index >= 0) this.showTooltip(index);
    else if (this.focused >= 0 && document.activeElement === this.canvas) this.showTooltip(this.focused);
    else this.tooltip.hidden = true;
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'Enter' || e.key === ' ') {
      const cluster = this.clusters[this.focused];
      if (cluster) this.onReveal(cluster.name);
      e.preventDefault();
      return;
    }
    if (e.key === 'Escape') {
      this.tooltip.hidden = true;
      return;
    }
    const next = moveCell(this.layout, this.focused, e.key);
    if (next === this.focused && !e.key.startsWith('Arrow') && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    this.setFocus(next, true);
  }

  private setFocus(index: number, announce: boolean): void {
    if (index !== this.focused) {
      this.invalidate(this.focused);
      this.focused = index;
      this.invalidate(index);
    }
    const cluster = this.clusters[index];
    this.focusedName = cluster?.name;
    this.onFocusChange(this.focusedName);
    if (!cluster) return;
    this.showTooltip(index);
    if (announce) this.focusAnnouncer.textContent = `${cluster.name}: ${KIND_LABELS[cellKind(cluster)]}`;
  }

  private showTooltip(index: number): void {
    const cluster = this.clusters[index];
    if (!cluster) {
      this.tooltip.hidden = true;
      return;
    }
    const lines = tooltipLines(cluster);
    this.tooltip.replaceChildren(...lines.map((text, i) => {
      const line = document.createElement('div');
      line.className = i === 0 ? 'tooltip-name' : i === 1 ? `tooltip-kind kind-${cellKind(cluster)}` : 'tooltip-line';
      line.textContent = text;
      return line;
    }));
    this.tooltip.hidden = false;
    const { x, y } = cellOrigin(this.layout, index);
    const dpr = this.layout.dpr;
    const cellRight = (x + this.layout.pitch) / dpr;
    const wrapWidth = this.element.clientWidth;
    // Right of the square, or left of it near the edge; below its top. One read of the tooltip's width.
    const width = this.tooltip.offsetWidth;
    const left = cellRight + 8 + width > wrapWidth ? Math.max(0, x / dpr - 8 - width) : cellRight + 8;
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${y / dpr + this.layout.pitch / dpr + 4}px`;
  }
}
