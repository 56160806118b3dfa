/**
 * The left-sidebar panel: two tabs, "Notebook" (the current notebook's kernel, through
 * the comm) and "Reports and datasets" (the server, through REST). It follows the
 * current notebook and keeps one `KernelLink` per open notebook, so switching back to a
 * notebook shows its frames and results at once.
 */
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { TabPanel } from '@lumino/widgets';

import { analystIcon } from '../icon';
import { KernelLink } from '../kernelLink';
import { type AnalystAPI, serverUrl } from '../rest';
import { NotebookView } from './notebookView';
import { ReportsView } from './reportsView';

export interface SidebarOptions {
  tracker: INotebookTracker;
  rendermime: IRenderMimeRegistry;
  api: AnalystAPI;
}

export class AnalystSidebar extends TabPanel {
  constructor({ tracker, rendermime, api }: SidebarOptions) {
    super({ tabsMovable: false });
    this.id = 'analyst-magics-sidebar';
    this.addClass('jp-AnalystSidebar');
    this.title.icon = analystIcon;
    this.title.caption = 'Analyst';

    const baseUrl = api.settings.baseUrl;
    this._notebook = new NotebookView(rendermime, url => serverUrl(baseUrl, url));
    this._notebook.title.label = 'Notebook';
    const reports = new ReportsView(api);
    reports.title.label = 'Reports and datasets';
    reports.title.caption = 'Reports and datasets';
    this.addWidget(this._notebook);
    this.addWidget(reports);

    tracker.currentChanged.connect((_, panel) => this._follow(panel), this);
    this._follow(tracker.currentWidget);
  }

  override dispose(): void {
    for (const link of this._links.values()) {
      link.dispose();
    }
    this._links.clear();
    super.dispose();
  }

  private _follow(panel: NotebookPanel | null): void {
    this._notebook.setLink(panel === null ? null : this._linkFor(panel));
  }

  private _linkFor(panel: NotebookPanel): KernelLink {
    let link = this._links.get(panel);
    if (link === undefined) {
      link = new KernelLink(panel);
      this._links.set(panel, link);
      panel.disposed.connect(() => {
        this._links.get(panel)?.dispose();
        this._links.delete(panel);
      });
    }
    return link;
  }

  private readonly _notebook: NotebookView;
  private readonly _links = new Map<NotebookPanel, KernelLink>();
}
