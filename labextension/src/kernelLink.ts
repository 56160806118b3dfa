/**
 * Connects one notebook's kernel to a `SidebarClient`.
 *
 * When the kernel is ready (and again after every restart) it loads the magics with one
 * silent execute request and opens the `analyst_magics.sidebar` comm; everything after
 * that goes through the comm. No execute request is ever sent per cell.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel, KernelMessage, Session } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';

import { SidebarClient } from './protocol/client';
import { COMM_TARGET } from './protocol/messages';

const LOAD_EXTENSION = '%load_ext analyst_magics';
const RESTART_STATES: readonly Kernel.Status[] = ['restarting', 'autorestarting'];
const RESTARTING = 'The kernel restarted; reconnecting…';
const NO_KERNEL = 'No kernel: start one to list its DataFrames.';

export class KernelLink implements IDisposable {
  readonly client = new SidebarClient();

  constructor(readonly panel: NotebookPanel) {
    const session = panel.sessionContext;
    session.kernelChanged.connect(this._onKernelChanged, this);
    session.statusChanged.connect(this._onStatusChanged, this);
    void session.ready.then(() => this._open());
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._generation += 1;
    const session = this.panel.sessionContext;
    session.kernelChanged.disconnect(this._onKernelChanged, this);
    session.statusChanged.disconnect(this._onStatusChanged, this);
    this.client.dispose();
  }

  private _onKernelChanged(
    _: unknown,
    change: Session.ISessionConnection.IKernelChangedArgs
  ): void {
    this._generation += 1;
    // A restart can also replace the kernel connection: keep saying it restarted.
    const notice = this._restarted ? RESTARTING : 'Connecting to the new kernel…';
    this.client.disconnect(change.newValue ? notice : NO_KERNEL);
    this._reopenWhenIdle = change.newValue !== null;
  }

  private _onStatusChanged(_: unknown, status: Kernel.Status): void {
    if (RESTART_STATES.includes(status)) {
      this._generation += 1;
      this.client.disconnect(RESTARTING);
      this._restarted = true;
      this._reopenWhenIdle = true;
    } else if (status === 'dead') {
      this._generation += 1;
      this.client.disconnect('The kernel died. Restart it to use the Analyst sidebar.');
    } else if (status === 'idle' && this._reopenWhenIdle) {
      this._reopenWhenIdle = false;
      void this._open();
    }
  }

  /** Load the magics and open the comm; gives up quietly if the kernel changes meanwhile. */
  private async _open(): Promise<void> {
    const generation = ++this._generation;
    const current = (): boolean => generation === this._generation && !this._isDisposed;
    const kernel = this.panel.sessionContext.session?.kernel;
    if (!kernel) {
      this.client.disconnect(NO_KERNEL);
      return;
    }
    try {
      const info = await kernel.info;
      const language = info.language_info.name;
      if (!current()) {
        return;
      }
      if (language.toLowerCase() !== 'python') {
        this.client.disconnect(
          `The Analyst sidebar works with Python kernels; this notebook's kernel runs ${language}.`
        );
        return;
      }
      const reply = await kernel.requestExecute({
        code: LOAD_EXTENSION,
        silent: true,
        store_history: false
      }).done;
      if (!current()) {
        return;
      }
      if (reply.content.status !== 'ok') {
        this.client.disconnect(loadFailure(reply.content));
        return;
      }
      this._openComm(kernel);
    } catch (reason) {
      if (current()) {
        this.client.disconnect(`Could not connect to the kernel: ${String(reason)}`);
      }
    }
  }

  private _openComm(kernel: Kernel.IKernelConnection): void {
    const comm = kernel.createComm(COMM_TARGET);
    const generation = this._generation;
    comm.onMsg = msg => {
      this.client.receive(msg.content.data);
    };
    comm.onClose = () => {
      if (generation === this._generation && !this._isDisposed) {
        this.client.disconnect(
          'The kernel closed the Analyst connection; is analyst_magics up to date in it?'
        );
      }
    };
    this.client.connect({
      open: data => void comm.open(data),
      send: data => void comm.send(data),
      close: () => {
        if (!comm.isDisposed) {
          void comm.close();
        }
      }
    });
    if (this._restarted) {
      this._restarted = false;
      this.client.setNotice('The kernel restarted: run your cells again to list their DataFrames.');
    } else {
      this.client.setNotice('');
    }
  }

  private _generation = 0;
  private _isDisposed = false;
  private _reopenWhenIdle = false;
  private _restarted = false;
}

/** A readable reason why `%load_ext analyst_magics` failed in the kernel. */
function loadFailure(content: KernelMessage.IExecuteReplyMsg['content']): string {
  if (content.status === 'error' && content.ename === 'ModuleNotFoundError') {
    return (
      "analyst_magics is not installed in this notebook's kernel: " +
      'run %pip install analyst_magics, then restart the kernel.'
    );
  }
  const detail =
    content.status === 'error' ? `${content.ename}: ${content.evalue}` : content.status;
  return `Could not load analyst_magics in the kernel (${detail}).`;
}
