/**
 * The "Notebook" tab: the current notebook's DataFrames, the question box, the actions
 * and their results. It shows the state of one `KernelLink`'s client and sends the
 * user's requests through it; it keeps no protocol state of its own.
 */
import { NotebookActions } from '@jupyterlab/notebook';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Panel } from '@lumino/widgets';

import { describeEngine, formatPercent } from '../format';
import type { KernelLink } from '../kernelLink';
import type { SidebarClient } from '../protocol/client';
import type { ResultMessage } from '../protocol/messages';
import { element, nodeWidget, setText } from './dom';
import { FramesList } from './framesList';
import { ResultsView } from './resultsView';

const NO_NOTEBOOK = 'Open a notebook to list its DataFrames.';
const NO_FRAMES = 'No DataFrames yet: run a cell that creates one.';

export class NotebookView extends Panel {
  constructor(rendermime: IRenderMimeRegistry, resolveUrl: (url: string) => string) {
    super();
    this.addClass('jp-AnalystNotebook');
    this._results = new ResultsView(rendermime, resolveUrl);
    this._frames.selectionChanged.connect(() => this._update());

    const question = element('label', { class: 'jp-AnalystQuestion' }, 'Question', this._question);
    const actions = element(
      'div',
      { class: 'jp-AnalystActions' },
      this._ask,
      this._insert,
      this._analyze,
      this._stop,
      this._report
    );
    this.addWidget(
      nodeWidget(element('div', { class: 'jp-AnalystHeader' }, this._status, this._notice))
    );
    this.addWidget(nodeWidget(this._empty));
    this.addWidget(this._frames);
    this.addWidget(
      nodeWidget(
        element(
          'div',
          { class: 'jp-AnalystForm' },
          question,
          actions,
          this._progressBox,
          this._error
        )
      )
    );
    this.addWidget(this._results);
    this._listen();
    this._update();
  }

  /** Follow `link`'s notebook (null: no notebook is open). */
  setLink(link: KernelLink | null): void {
    if (link === this._link) {
      return;
    }
    this._link?.client.changed.disconnect(this._update, this);
    this._link?.client.resultAdded.disconnect(this._onResult, this);
    this._link = link;
    link?.client.changed.connect(this._update, this);
    link?.client.resultAdded.connect(this._onResult, this);
    this._results.setResults(link?.client.results ?? []);
    this._update();
  }

  private get _client(): SidebarClient | null {
    return this._link?.client ?? null;
  }

  private _listen(): void {
    this._question.addEventListener('input', () => this._update());
    this._question.addEventListener('keydown', event => {
      // Enter asks, Shift+Enter is a new line; never while an input method composes.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this._onAsk();
      }
    });
    this._ask.addEventListener('click', () => this._onAsk());
    this._insert.addEventListener('click', () => this._onInsert());
    this._analyze.addEventListener('click', () => {
      const frame = this._frames.selected;
      if (frame !== null) {
        this._client?.analyze(frame);
      }
    });
    this._stop.addEventListener('click', () => this._client?.stop());
    this._report.addEventListener('click', () => this._client?.report());
  }

  private _onAsk(): void {
    const frame = this._frames.selected;
    if (frame !== null && !this._ask.disabled && this._client?.ask(frame, this._question.value)) {
      this._question.value = '';
      this._update();
    }
  }

  /** A new code cell below the active one, holding the answer's code; it is not run. */
  private _onInsert(): void {
    const cell = this._client?.lastAnswer?.cell;
    const notebook = this._link?.panel.content;
    if (!cell || !notebook?.model) {
      return;
    }
    NotebookActions.insertBelow(notebook);
    NotebookActions.changeCellType(notebook, 'code');
    notebook.activeCell?.model.sharedModel.setSource(cell);
  }

  private _onResult(_: SidebarClient, result: ResultMessage): void {
    this._results.addResult(result);
  }

  private _update(): void {
    const client = this._client;
    this._frames.setFrames(client?.frames ?? []);
    setText(this._status, statusText(client));
    setText(this._notice, this._link === null ? NO_NOTEBOOK : (client?.notice ?? ''));
    this._empty.hidden = client?.connection !== 'ready' || client.frames.length > 0;
    setText(this._error, client?.error ?? '');

    const ready = client?.connection === 'ready';
    const frame = this._frames.selected;
    const pending = client?.pending;
    this._question.disabled = !ready;
    this._ask.disabled = !ready || frame === null || !this._question.value.trim() || !!pending?.ask;
    this._insert.disabled = !client?.lastAnswer?.cell;
    this._analyze.disabled = !ready || frame === null || !!pending?.analyze;
    this._stop.disabled = !pending?.analyze || !!client?.stopping;
    this._report.disabled =
      !ready || !client?.lastAnalysis || !!pending?.report || !!pending?.analyze;

    const progress = client?.progress ?? null;
    this._progressBox.hidden = !pending?.analyze;
    if (progress === null) {
      this._progress.removeAttribute('value');
      setText(this._stage, 'Starting the analysis…');
    } else {
      this._progress.value = progress.fraction;
      setText(this._stage, `${progress.stage} (${formatPercent(progress.fraction)})`);
    }
  }

  private _link: KernelLink | null = null;
  private readonly _frames = new FramesList();
  private readonly _results: ResultsView;
  private readonly _status = element('p', { class: 'jp-AnalystStatus', role: 'status' });
  private readonly _notice = element('p', { class: 'jp-AnalystNotice' });
  private readonly _empty = element('p', { class: 'jp-AnalystHint' }, NO_FRAMES);
  private readonly _error = element('p', { class: 'jp-AnalystError', role: 'alert' });
  private readonly _question = element('textarea', {
    class: 'jp-AnalystQuestion-input',
    rows: '3',
    placeholder: 'e.g. average revenue by region, top 5 (Enter asks)'
  });
  private readonly _ask = button('Ask', { primary: true });
  private readonly _insert = button('Insert as cell');
  private readonly _analyze = button('Analyze');
  private readonly _stop = button('Stop');
  private readonly _report = button('Write report');
  private readonly _progress = element('progress', { max: '1', 'aria-label': 'Analysis progress' });
  private readonly _stage = element('span', { class: 'jp-AnalystProgress-stage' });
  private readonly _progressBox = element(
    'div',
    { class: 'jp-AnalystProgress' },
    this._progress,
    this._stage
  );
}

/** Which engine answers and what the kernel is doing. */
function statusText(client: SidebarClient | null): string {
  if (client === null || client.connection === 'disconnected') {
    return 'Not connected to a kernel.';
  }
  if (client.engine === null) {
    return 'Connecting to the kernel…';
  }
  const parts = [describeEngine(client.engine)];
  if (client.busy) {
    parts.push('busy');
  }
  if (client.pending.ask) {
    parts.push('answering…');
  }
  if (client.pending.report) {
    parts.push('writing the report…');
  }
  return parts.join(' · ');
}

function button(label: string, { primary = false } = {}): HTMLButtonElement {
  const node = element(
    'button',
    { type: 'button', class: primary ? 'jp-AnalystButton jp-mod-primary' : 'jp-AnalystButton' },
    label
  );
  node.disabled = true;
  return node;
}
