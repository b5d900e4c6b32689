/**
 * The failed clusters as a table with a filter box. At most ROW_LIMIT rows are in the document ("and N
 * more" says what is left out), so thousands of failures stay fast; the filter narrows them down.
 */
import { filterRows, formatCount, type FailedRow } from './model';

export const ROW_LIMIT = 200;

export class FailedTable {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly body: HTMLTableSectionElement;
  private readonly more: HTMLElement;
  private rows: FailedRow[] = [];
  /** What the body shows now, to skip rebuilding it when nothing it shows changed. */
  private shown = '';

  constructor(private readonly onReveal: (name: string) => void, private readonly onFilterChange: (filter: string) => void, initialFilter: string) {
    this.element = document.createElement('section');
    this.element.className = 'failed';
    this.heading = document.createElement('h2');
    this.filter = document.createElement('input');
    this.filter.type = 'search';
    this.filter.className = 'filter';
    this.filter.placeholder = 'Filter by name, action or message';
    this.filter.setAttribute('aria-label', 'Filter failed clusters');
    this.filter.value = initialFilter;
    this.filter.addEventListener('input', () => {
      this.onFilterChange(this.filter.value);
      this.render();
    });
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const title of ['Cluster', 'Step', 'Action', 'Message', '']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = title;
      head.append(th);
    }
    this.body = table.createTBody();
    this.body.addEventListener('click', (e) => this.revealFrom(e.target));
    this.body.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.revealFrom(e.target);
    });
    this.more = document.createElement('div');
    this.more.className = 'more';
    this.element.append(this.heading, this.filter, table, this.more);
  }

  update(rows: FailedRow[]): void {
    this.rows = rows;
    this.render();
  }

  private revealFrom(target: EventTarget | null): void {
    const row = target instanceof Element ? target.closest('tr') : null;
    const name = row?.dataset.cluster;
    if (name) this.onReveal(name);
  }

  private render(): void {
    const matching = filterRows(this.rows, this.filter.value);
    const visible = matching.slice(0, ROW_LIMIT);
    this.heading.textContent = `Failed clusters (${formatCount(this.rows.length)})`;
    this.element.hidden = this.rows.length === 0;
    const signature = JSON.stringify(visible);
    if (signature !== this.shown) {
      this.shown = signature;
      this.body.replaceChildren(...visible.map((r) => this.row(r)));
    }
    const hidden = matching.length - visible.length;
    this.more.textContent = hidden > 0
      ? `and ${formatCount(hidden)} more (filter to narrow down)`
      : matching.length === 0 && this.rows.length > 0 ? 'No failed cluster matches the filter.' : '';
  }

  private row(r: FailedRow): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.tabIndex = 0;
    tr.dataset.cluster = r.name;
    tr.title = 'Reveal in the IBGU view';
    const cells = [r.name, r.step !== undefined ? String(r.step) : '', r.action ?? '', r.message ?? ''];
    for (const text of cells) tr.insertCell().textContent = text;
    const flag = tr.insertCell();
    if (r.early) {
      flag.className = 'early';
      flag.textContent = 'not yet reported by TALM';
    }
    return tr;
  }
}
