/**
 * `SidebarClient` speaks the protocol of `./messages` over one comm and keeps the state the
 * sidebar shows for one notebook (frames, engine, pending requests, results). It does not
 * depend on JupyterLab: it talks to any `CommLike`, so it is tested with a fake comm.
 */
import { type ISignal, Signal } from '@lumino/signaling';
import { type JSONObject, UUID } from '@lumino/coreutils';

import {
  type AnswerMessage,
  type EngineInfo,
  type FrameInfo,
  type FrontendMessage,
  type KernelMessage,
  type ResultMessage,
  PROTOCOL_VERSION,
  parseKernelMessage
} from './messages';

/** Results (answers, analyses, reports) kept per notebook, newest first. */
export const MAX_RESULTS = 10;

/** The part of a kernel comm the client needs; JupyterLab's `IComm` is adapted to it. */
export interface CommLike {
  open(data: JSONObject): void;
  send(data: FrontendMessage): void;
  close(): void;
}

export type ConnectionState = 'disconnected' | 'connecting' | 'ready';

/** Requests sent and not yet answered, by kind: at most one of each at a time. */
export interface PendingRequests {
  ask: string | null;
  analyze: string | null;
  report: string | null;
}

export interface ClientOptions {
  /** Makes request ids; tests pass a counter. */
  newId?: () => string;
}

/** Talks the protocol over one comm and keeps what the sidebar shows for one notebook. */
export class SidebarClient {
  constructor(options: ClientOptions = {}) {
    this._newId = options.newId ?? UUID.uuid4;
  }

  /** Any of the state below changed. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** A result arrived (it is also at the front of `results`). */
  get resultAdded(): ISignal<this, ResultMessage> {
    return this._resultAdded;
  }

  get connection(): ConnectionState {
    return this._comm === null ? 'disconnected' : this._engine === null ? 'connecting' : 'ready';
  }
  get engine(): EngineInfo | null {
    return this._engine;
  }
  get frames(): readonly FrameInfo[] {
    return this._frames;
  }
  /** A cell is running in the kernel. */
  get busy(): boolean {
    return this._busy;
  }
  get pending(): Readonly<PendingRequests> {
    return this._pending;
  }
  get progress(): { stage: string; fraction: number } | null {
    return this._progress;
  }
  /** Stop was sent for the running analysis, which has not ended yet. */
  get stopping(): boolean {
    return this._stopping;
  }
  /** The request id of the last finished analysis: what "Write report" reports on. */
  get lastAnalysis(): string | null {
    return this._lastAnalysis;
  }
  get results(): readonly ResultMessage[] {
    return this._results;
  }
  /** The newest answer, whose cell "Insert as cell" inserts. */
  get lastAnswer(): AnswerMessage | null {
    return this._results.find((r): r is AnswerMessage => r.type === 'answer') ?? null;
  }
  /** The last error, as a readable sentence; cleared by the next request. */
  get error(): string | null {
    return this._error;
  }
  /** What the sidebar should say about the kernel (restarts, wrong language, …). */
  get notice(): string {
    return this._notice;
  }

  /** Use `comm` from now on and open it; the kernel answers with hello and frames. */
  connect(comm: CommLike): void {
    this._reset();
    this._comm = comm;
    comm.open({ version: PROTOCOL_VERSION });
    this._changed.emit();
  }

  /**
   * Forget the comm and everything learnt through it (the kernel restarted, died or closed
   * the comm): frames, engine, pending requests. Results stay, they are already rendered.
   */
  disconnect(notice: string): void {
    this._reset();
    this._notice = notice;
    this._changed.emit();
  }

  setNotice(notice: string): void {
    this._notice = notice;
    this._changed.emit();
  }

  /** Handle one comm payload from the kernel; unknown or malformed payloads are ignored. */
  receive(data: unknown): void {
    const message = parseKernelMessage(data);
    if (message === null) {
      return;
    }
    this._apply(message);
    this._changed.emit();
  }

  /** Ask a question about `frame`; returns the request id, or null when one is pending. */
  ask(frame: string, question: string): string | null {
    const text = question.trim();
    if (this._pending.ask !== null || text === '') {
      return null;
    }
    return this._request('ask', id => ({
      type: 'ask',
      request: id,
      frame,
      question: text,
      engine: 'auto'
    }));
  }

  analyze(frame: string): string | null {
    if (this._pending.analyze !== null) {
      return null;
    }
    return this._request('analyze', id => ({ type: 'analyze', request: id, frame }));
  }

  /** Stop the running analysis (once); the kernel confirms with `stopped`. */
  stop(): boolean {
    const request = this._pending.analyze;
    if (request === null || this._stopping || !this._send({ type: 'stop', request })) {
      return false;
    }
    this._stopping = true;
    this._changed.emit();
    return true;
  }

  /** Write a report of the last finished analysis. */
  report(): string | null {
    const analysis = this._lastAnalysis;
    if (analysis === null || this._pending.report !== null) {
      return null;
    }
    return this._request('report', id => ({ type: 'report', request: id, analysis }));
  }

  refresh(): boolean {
    return this._send({ type: 'refresh' });
  }

  /** Close the comm (the notebook was closed or the sidebar is going away). */
  dispose(): void {
    this._comm?.close();
    this._comm = null;
    Signal.clearData(this);
  }

  private _reset(): void {
    this._comm = null;
    this._engine = null;
    this._frames = [];
    this._busy = false;
    this._pending = { ask: null, analyze: null, report: null };
    this._progress = null;
    this._stopping = false;
    this._lastAnalysis = null;
  }

  private _request(
    kind: keyof PendingRequests,
    build: (id: string) => FrontendMessage
  ): string | null {
    if (this.connection !== 'ready') {
      return null;
    }
    const id = this._newId();
    this._error = null;
    if (!this._send(build(id))) {
      return null;
    }
    this._pending = { ...this._pending, [kind]: id };
    this._changed.emit();
    return id;
  }

  private _send(message: FrontendMessage): boolean {
    if (this._comm === null) {
      return false;
    }
    try {
      this._comm.send(message);
      return true;
    } catch (reason) {
      // A comm whose kernel is gone throws; say so rather than fail silently.
      this._error = `Could not reach the kernel: ${String(reason)}`;
      this._changed.emit();
      return false;
    }
  }

  /** `request` got its reply: it is no longer pending (nor, for an analysis, its progress). */
  private _settle(request: string | null): void {
    const { ask, analyze, report } = this._pending;
    if (request === null) {
      return;
    }
    if (analyze === request) {
      this._progress = null;
      this._stopping = false;
    }
    this._pending = {
      ask: ask === request ? null : ask,
      analyze: analyze === request ? null : analyze,
      report: report === request ? null : report
    };
  }

  private _addResult(result: ResultMessage): void {
    this._results = [result, ...this._results].slice(0, MAX_RESULTS);
    this._resultAdded.emit(result);
  }

  private _apply(message: KernelMessage): void {
    switch (message.type) {
      case 'hello':
        this._engine = message.engine;
        break;
      case 'frames':
        this._frames = message.frames;
        this._busy = false;
        // A restart notice stays until the kernel has DataFrames again.
        if (message.frames.length > 0) {
          this._notice = '';
        }
        break;
      case 'busy':
        this._busy = true;
        break;
      case 'progress':
        if (message.request === this._pending.analyze) {
          this._progress = { stage: message.stage, fraction: message.fraction };
        }
        break;
      case 'analysis':
        this._settle(message.request);
        this._lastAnalysis = message.request;
        this._addResult(message);
        break;
      case 'answer':
      case 'report':
        this._settle(message.request);
        this._addResult(message);
        break;
      case 'stopped':
        this._settle(message.request);
        break;
      case 'error':
        this._settle(message.request);
        this._error = message.message;
        break;
    }
  }

  private readonly _newId: () => string;
  private _comm: CommLike | null = null;
  private _engine: EngineInfo | null = null;
  private _frames: FrameInfo[] = [];
  private _busy = false;
  private _pending: PendingRequests = { ask: null, analyze: null, report: null };
  private _progress: { stage: string; fraction: number } | null = null;
  private _stopping = false;
  private _lastAnalysis: string | null = null;
  private _results: ResultMessage[] = [];
  private _error: string | null = null;
  private _notice = '';
  private readonly _changed = new Signal<this, void>(this);
  private readonly _resultAdded = new Signal<this, ResultMessage>(this);
}
