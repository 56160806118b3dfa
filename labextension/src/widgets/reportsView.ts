/**
 * The "Reports and datasets" tab, on the server's REST face: the reports (open, download,
 * bundle), the uploaded datasets (upload, analyze, delete) and the progress of the
 * analysis job it started. Lists are fetched when the tab is shown and after each action.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { formatBytes, formatPercent, formatShape } from '../format';
import { type AnalystAPI, ApiError, type DatasetSummary, type ReportEntry } from '../rest';
import { element, setText } from './dom';

export class ReportsView extends Widget {
  constructor(private readonly _api: AnalystAPI) {
    super();
    this.addClass('jp-AnalystReports');
    const upload = element(
      'label',
      { class: 'jp-AnalystUpload' },
      'Upload a dataset (CSV, TSV, Excel, JSON, Parquet)',
      this._file
    );
    this.node.append(
      element(
        'div',
        { class: 'jp-AnalystSection-header' },
        element('h3', {}, 'Reports'),
        this._refresh
      ),
      this._reports,
      element('h3', {}, 'Datasets'),
      upload,
      this._datasets,
      this._progressBox,
      this._status,
      this._error
    );
    this._refresh.addEventListener('click', () => void this.refresh());
    this._file.addEventListener('change', () => void this._onUpload());
    this._datasets.addEventListener('click', event => void this._onDatasetAction(event));
  }

  /** Fetch both lists again. */
  async refresh(): Promise<void> {
    await this._run(async () => {
      const [reports, datasets] = await Promise.all([
        this._api.listReports(),
        this._api.listDatasets()
      ]);
      this._showReports(reports);
      this._showDatasets(datasets);
    });
  }

  override dispose(): void {
    this._job?.abort();
    super.dispose();
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.refresh();
  }

  /** Run `action`, showing its failure as a readable message instead of throwing. */
  private async _run(action: () => Promise<void>): Promise<void> {
    setText(this._error, '');
    try {
      await action();
    } catch (reason) {
      setText(this._error, reason instanceof ApiError ? reason.message : String(reason));
    }
  }

  private async _onUpload(): Promise<void> {
    const file = this._file.files?.[0];
    if (!file) {
      return;
    }
    await this._run(async () => {
      setText(this._status, `Uploading ${file.name}…`);
      const dataset = await this._api.uploadDataset(file, file.name);
      setText(
        this._status,
        `Uploaded ${dataset.name}: ${formatShape(dataset.rows, dataset.columns)}.`
      );
      this._showDatasets(await this._api.listDatasets());
    });
    this._file.value = '';
  }

  private async _onDatasetAction(event: MouseEvent): Promise<void> {
    const target = event.target instanceof Element ? event.target : null;
    const button = target?.closest('button[data-action]');
    if (!(button instanceof HTMLButtonElement)) {
      return;
    }
    const id = button.dataset.dataset ?? '';
    const name = button.dataset.name ?? id;
    if (button.dataset.action === 'analyze') {
      await this._analyze(id, name);
    } else if (button.dataset.action === 'delete') {
      await this._delete(id, name);
    }
  }

  /** Start an analysis job and follow it until it is done, then list its reports. */
  private async _analyze(id: string, name: string): Promise<void> {
    this._job?.abort();
    const job = new AbortController();
    this._job = job;
    await this._run(async () => {
      const accepted = await this._api.analyze(id);
      this._progressBox.hidden = false;
      const done = await this._api.waitForJob(
        accepted.job_id,
        status => {
          this._progress.value = status.progress;
          setText(this._stage, `${name}: ${status.stage} (${formatPercent(status.progress)})`);
        },
        { signal: job.signal }
      );
      setText(this._status, `Analysis of ${name} finished: ${done.reports.length} report files.`);
      this._showReports(await this._api.listReports());
    });
    if (this._job === job) {
      this._progressBox.hidden = true;
      this._job = null;
    }
  }

  private async _delete(id: string, name: string): Promise<void> {
    const answer = await showDialog({
      title: 'Delete dataset',
      body: `Delete the uploaded dataset "${name}" from the server?`,
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
    });
    if (!answer.button.accept) {
      return;
    }
    await this._run(async () => {
      await this._api.deleteDataset(id);
      setText(this._status, `Deleted ${name}.`);
      this._showDatasets(await this._api.listDatasets());
    });
  }

  private _showReports(reports: readonly ReportEntry[]): void {
    const items = reports.map(report => {
      const download = this._api.reportUrl(report.name, { download: true });
      const links = [link('Download', download, `Download ${report.name}`)];
      if (report.format === 'html') {
        // The server shows HTML reports inline (sandboxed); other formats only download.
        links.unshift(
          link('Open', this._api.reportUrl(report.name), `Open ${report.name}`, { newTab: true })
        );
      }
      if (report.has_bundle) {
        links.push(link('Bundle', this._api.bundleUrl(report.name), `Bundle of ${report.name}`));
      }
      return element(
        'li',
        { class: 'jp-AnalystEntry' },
        element('span', { class: 'jp-AnalystEntry-name' }, report.name),
        element(
          'span',
          { class: 'jp-AnalystEntry-meta' },
          `${report.format} · ${formatBytes(report.size_bytes)}`
        ),
        element('span', { class: 'jp-AnalystEntry-actions' }, ...links)
      );
    });
    fillList(this._reports, items, 'No reports yet.');
  }

  private _showDatasets(datasets: readonly DatasetSummary[]): void {
    const items = datasets.map(dataset => {
      const data = { 'data-dataset': dataset.id, 'data-name': dataset.name };
      return element(
        'li',
        { class: 'jp-AnalystEntry' },
        element('span', { class: 'jp-AnalystEntry-name' }, dataset.name),
        element(
          'span',
          { class: 'jp-AnalystEntry-meta' },
          formatShape(dataset.rows, dataset.columns)
        ),
        element(
          'span',
          { class: 'jp-AnalystEntry-actions' },
          actionButton('Analyze', `Analyze ${dataset.name}`, { 'data-action': 'analyze', ...data }),
          actionButton('Delete', `Delete ${dataset.name}`, { 'data-action': 'delete', ...data })
        )
      );
    });
    fillList(this._datasets, items, 'No datasets uploaded yet.');
  }

  private _job: AbortController | null = null;
  private readonly _refresh = element(
    'button',
    { type: 'button', class: 'jp-AnalystButton' },
    'Refresh'
  );
  private readonly _reports = element('ul', {
    class: 'jp-AnalystEntries',
    'aria-label': 'Reports'
  });
  private readonly _datasets = element('ul', {
    class: 'jp-AnalystEntries',
    'aria-label': 'Datasets'
  });
  private readonly _file = element('input', { type: 'file', class: 'jp-AnalystUpload-input' });
  private readonly _progress = element('progress', { max: '1', 'aria-label': 'Job progress' });
  private readonly _stage = element('span', { class: 'jp-AnalystProgress-stage' });
  private readonly _progressBox = element(
    'div',
    { class: 'jp-AnalystProgress', hidden: true },
    this._progress,
    this._stage
  );
  private readonly _status = element('p', {
    class: 'jp-AnalystStatus',
    role: 'status',
    hidden: true
  });
  private readonly _error = element('p', { class: 'jp-AnalystError', role: 'alert', hidden: true });
}

function fillList(list: HTMLUListElement, items: HTMLLIElement[], empty: string): void {
  list.replaceChildren(
    ...(items.length > 0 ? items : [element('li', { class: 'jp-AnalystHint' }, empty)])
  );
}

function link(
  text: string,
  href: string,
  label: string,
  { newTab = false } = {}
): HTMLAnchorElement {
  const attributes = newTab ? { target: '_blank', rel: 'noopener' } : { download: true };
  return element('a', { href, 'aria-label': label, class: 'jp-AnalystLink', ...attributes }, text);
}

function actionButton(
  text: string,
  label: string,
  data: Record<string, string>
): HTMLButtonElement {
  return element(
    'button',
    { type: 'button', class: 'jp-AnalystButton', 'aria-label': label, ...data },
    text
  );
}
