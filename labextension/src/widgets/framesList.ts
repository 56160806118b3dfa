/**
 * The list of the notebook's DataFrames. One item per frame ("sales 1,000 × 2"); the
 * selected one also shows its memory and columns. Click, arrow keys, Home/End, Enter or
 * Space select; a roving tabindex keeps the list one Tab stop.
 */
import { type ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { columnLabels, describeFrame, formatBytes, formatShape } from '../format';
import type { FrameInfo } from '../protocol/messages';
import { element } from './dom';

/** Columns listed in the selected frame's detail before "…". */
const DETAIL_COLUMNS = 12;

export class FramesList extends Widget {
  constructor() {
    super({ node: element('ul', { role: 'list', 'aria-label': 'DataFrames' }) });
    this.addClass('jp-AnalystFrames');
    this.node.addEventListener('click', this);
    this.node.addEventListener('keydown', this);
  }

  /** The user chose another frame. */
  get selectionChanged(): ISignal<this, string | null> {
    return this._selectionChanged;
  }

  get selected(): string | null {
    return this._selected;
  }

  /** Show `frames`, keeping the selection when its frame is still there (else the first). */
  setFrames(frames: readonly FrameInfo[]): void {
    // The client replaces its array on each frames message: the same array, the same list.
    if (frames === this._frames) {
      return;
    }
    this._frames = frames;
    const kept = frames.some(frame => frame.name === this._selected);
    this._select(kept ? this._selected : (frames[0]?.name ?? null), { focus: false });
  }

  handleEvent(event: Event): void {
    if (event.type === 'click') {
      const target = event.target instanceof Element ? event.target : null;
      const item = target?.closest('li[data-name]');
      if (item instanceof HTMLElement) {
        this._select(item.dataset.name ?? null, { focus: true });
      }
    } else if (event instanceof KeyboardEvent) {
      this._onKeyDown(event);
    }
  }

  private _onKeyDown(event: KeyboardEvent): void {
    const names = this._frames.map(frame => frame.name);
    const current = this._selected === null ? -1 : names.indexOf(this._selected);
    const targets: Record<string, number> = {
      ArrowDown: Math.min(current + 1, names.length - 1),
      ArrowUp: Math.max(current - 1, 0),
      Home: 0,
      End: names.length - 1,
      Enter: current,
      ' ': current
    };
    const target = targets[event.key];
    if (target === undefined || names.length === 0) {
      return;
    }
    event.preventDefault();
    this._select(names[target] ?? null, { focus: true });
  }

  private _select(name: string | null, { focus }: { focus: boolean }): void {
    const changed = name !== this._selected;
    // Rebuilding replaces the focused item: give focus back to its successor.
    const hadFocus = focus || this.node.contains(document.activeElement);
    this._selected = name;
    this._render();
    if (hadFocus) {
      this.node.querySelector<HTMLElement>('li[tabindex="0"]')?.focus();
    }
    if (changed) {
      this._selectionChanged.emit(name);
    }
  }

  private _render(): void {
    this.node.replaceChildren(...this._frames.map(frame => this._item(frame)));
  }

  private _item(frame: FrameInfo): HTMLLIElement {
    const selected = frame.name === this._selected;
    const item = element(
      'li',
      {
        role: 'listitem',
        class: selected ? 'jp-AnalystFrame jp-mod-selected' : 'jp-AnalystFrame',
        'data-name': frame.name,
        title: describeFrame(frame),
        tabindex: selected ? '0' : '-1',
        'aria-current': selected ? 'true' : undefined
      },
      element('span', { class: 'jp-AnalystFrame-name' }, frame.name),
      ' ',
      element('span', { class: 'jp-AnalystFrame-shape' }, formatShape(frame.rows, frame.columns))
    );
    if (selected) {
      item.append(element('div', { class: 'jp-AnalystFrame-detail' }, detail(frame)));
    }
    return item;
  }

  private _frames: readonly FrameInfo[] = [];
  private _selected: string | null = null;
  private readonly _selectionChanged = new Signal<this, string | null>(this);
}

/** "16.0 kB · a: int64, b: object" */
function detail(frame: FrameInfo): string {
  const columns = columnLabels(frame).slice(0, DETAIL_COLUMNS);
  const hidden = frame.columns - columns.length;
  if (hidden > 0) {
    columns.push(`… ${hidden} more`);
  }
  const memory = frame.memory_bytes === null ? [] : [formatBytes(frame.memory_bytes)];
  return [...memory, columns.join(', ')].join(' · ');
}
