/**
 * The analyst_magics JupyterLab extension: a left-sidebar panel that lists the current
 * notebook's DataFrames, asks questions about them, runs analyses and writes reports.
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { AnalystAPI } from './rest';
import { AnalystSidebar } from './widgets/sidebar';

/** Where the sidebar sits among the left panels (file browser 100, extensions 1000). */
const SIDEBAR_RANK = 700;

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'analyst-magics:sidebar',
  description: 'The Analyst sidebar: DataFrames, questions, analyses and reports.',
  autoStart: true,
  requires: [INotebookTracker, IRenderMimeRegistry],
  optional: [ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    rendermime: IRenderMimeRegistry,
    restorer: ILayoutRestorer | null
  ) => {
    const api = new AnalystAPI(app.serviceManager.serverSettings);
    const sidebar = new AnalystSidebar({ tracker, rendermime, api });
    app.shell.add(sidebar, 'left', { rank: SIDEBAR_RANK });
    restorer?.add(sidebar, sidebar.id);
  }
};

export default plugin;
