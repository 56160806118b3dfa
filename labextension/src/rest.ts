/**
 * Client of the server face's REST API (`server_ext`, routes under `analyst/v1/`).
 *
 * Every reply is an envelope `{status, message, data}`; `requestAPI` unwraps it, checks
 * `data` with a type guard and turns every failure into an `ApiError` whose message a
 * person can read (the server's own message when it sent one).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { isCount, isFiniteNumber, isRecord, isString, isStringArray, parseList } from './guards';

export const API_PATH = 'analyst/v1';
/** How often `waitForJob` polls `jobs/{id}`. */
export const POLL_INTERVAL_MS = 1000;

/** Mirrors `ReportEntry` of the OpenAPI document. */
export interface ReportEntry {
  name: string;
  format: string;
  size_bytes: number;
  modified_at: string;
  has_bundle: boolean;
}

/** The fields of `DatasetSummary` the sidebar uses. */
export interface DatasetSummary {
  id: string;
  name: string;
  filename: string;
  size_bytes: number;
  rows: number;
  columns: number;
  created_at: string;
}

export type JobState = 'queued' | 'running' | 'done' | 'error';

export interface JobAccepted {
  job_id: string;
  state: JobState;
  status_url: string;
  progress_url: string;
}

/** The fields of `JobStatus` the sidebar uses (not the full `result`). */
export interface JobStatus {
  job_id: string;
  state: JobState;
  stage: string;
  progress: number;
  message: string;
  reports: string[];
}

/** A failed request; `message` is written for the person using the sidebar. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const JOB_STATES: readonly string[] = ['queued', 'running', 'done', 'error'];

function isJobState(value: unknown): value is JobState {
  return isString(value) && JOB_STATES.includes(value);
}

function asReport(value: unknown): ReportEntry | null {
  if (!isRecord(value) || !isString(value.name) || !isString(value.format)) {
    return null;
  }
  const { name, format, size_bytes, modified_at, has_bundle } = value;
  if (!isCount(size_bytes) || !isString(modified_at) || typeof has_bundle !== 'boolean') {
    return null;
  }
  return { name, format, size_bytes, modified_at, has_bundle };
}

function asDataset(value: unknown): DatasetSummary | null {
  if (!isRecord(value) || !isString(value.id) || !isString(value.name)) {
    return null;
  }
  const { id, name, filename, size_bytes, rows, columns, created_at } = value;
  if (!isString(filename) || !isCount(size_bytes) || !isString(created_at)) {
    return null;
  }
  if (!isCount(rows) || !isCount(columns)) {
    return null;
  }
  return { id, name, filename, size_bytes, rows, columns, created_at };
}

function asJobAccepted(value: unknown): JobAccepted | null {
  if (!isRecord(value) || !isString(value.job_id) || !isJobState(value.state)) {
    return null;
  }
  const { job_id, state, status_url, progress_url } = value;
  if (!isString(status_url) || !isString(progress_url)) {
    return null;
  }
  return { job_id, state, status_url, progress_url };
}

function asJobStatus(value: unknown): JobStatus | null {
  if (!isRecord(value) || !isString(value.job_id) || !isJobState(value.state)) {
    return null;
  }
  const { job_id, state, stage, progress, message, reports } = value;
  if (!isString(stage) || !isFiniteNumber(progress) || !isString(message)) {
    return null;
  }
  return {
    job_id,
    state,
    stage,
    progress,
    message,
    reports: isStringArray(reports) ? reports : []
  };
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stopped = (): ApiError => new ApiError('Stopped following the job.');
    if (signal?.aborted) {
      reject(stopped());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(stopped());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A link from the kernel or the server as an address: relative to the server root
 * ("/files/r.html") it is joined to the server's `baseUrl` (absolute, as in JupyterLab's
 * settings); a path that already starts with the base path, or an absolute URL, is kept.
 */
export function serverUrl(baseUrl: string, url: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(url)) {
    return url;
  }
  const base = new URL(baseUrl);
  return url.startsWith(base.pathname) ? new URL(url, base.origin).href : URLExt.join(baseUrl, url);
}

/**
 * One request to `analyst/v1/{path}`: the envelope's `data`, checked by `parse`.
 * `path` segments are already URL-encoded.
 */
export async function requestAPI<T>(
  settings: ServerConnection.ISettings,
  path: string,
  parse: (data: unknown) => T | null,
  init: RequestInit = {}
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, API_PATH, path);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (reason) {
    throw new ApiError(`Cannot reach the Jupyter server (${String(reason)}).`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    throw new ApiError(
      `The server replied ${response.status} ${response.statusText} to ${API_PATH}/${path}, ` +
        'not JSON: is the analyst_magics server extension enabled?',
      response.status
    );
  }
  const message = isRecord(body) && isString(body.message) ? body.message : '';
  if (!response.ok || !isRecord(body) || body.status !== 'ok') {
    const fallback = `The server refused ${API_PATH}/${path} (HTTP ${response.status}).`;
    throw new ApiError(message || fallback, response.status);
  }
  const data = parse(body.data);
  if (data === null) {
    throw new ApiError(`Unexpected reply to ${API_PATH}/${path}: is the server up to date?`);
  }
  return data;
}

/** The REST endpoints the sidebar uses, against one Jupyter server. */
export class AnalystAPI {
  constructor(readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()) {}

  /** The absolute URL of a route, for links the browser follows itself. */
  url(...segments: string[]): string {
    return URLExt.join(this.settings.baseUrl, API_PATH, ...segments.map(encodeURIComponent));
  }

  /** A report shown in the browser (HTML inline) or, with `download`, saved as a file. */
  reportUrl(name: string, { download = false } = {}): string {
    return this.url('reports', name) + (download ? '?download=1' : '');
  }

  bundleUrl(name: string): string {
    return `${this.url('reports', name)}/bundle`;
  }

  listReports(): Promise<ReportEntry[]> {
    return requestAPI(this.settings, 'reports', value => parseList(value, asReport));
  }

  listDatasets(): Promise<DatasetSummary[]> {
    return requestAPI(this.settings, 'datasets', value => parseList(value, asDataset));
  }

  /** Upload a file as multipart field `file`; the browser sets the multipart header. */
  uploadDataset(file: Blob, filename: string): Promise<DatasetSummary> {
    const body = new FormData();
    body.append('file', file, filename);
    return requestAPI(this.settings, 'datasets', asDataset, { method: 'POST', body });
  }

  async deleteDataset(id: string): Promise<void> {
    await requestAPI(this.settings, `datasets/${encodeURIComponent(id)}`, isRecord, {
      method: 'DELETE'
    });
  }

  /** Start analysing an uploaded dataset, with an HTML report to open when it is done. */
  analyze(dataset: string): Promise<JobAccepted> {
    return requestAPI(this.settings, 'analyze', asJobAccepted, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataset, report: true })
    });
  }

  getJob(id: string): Promise<JobStatus> {
    return requestAPI(this.settings, `jobs/${encodeURIComponent(id)}`, asJobStatus);
  }

  /**
   * Poll `jobs/{id}` until the job is done or failed, reporting every state to `onUpdate`.
   * A failed job rejects with its message; `signal` stops the polling.
   */
  async waitForJob(
    id: string,
    onUpdate: (job: JobStatus) => void,
    { intervalMs = POLL_INTERVAL_MS, signal }: { intervalMs?: number; signal?: AbortSignal } = {}
  ): Promise<JobStatus> {
    for (;;) {
      const job = await this.getJob(id);
      onUpdate(job);
      if (job.state === 'done') {
        return job;
      }
      if (job.state === 'error') {
        throw new ApiError(job.message || 'The analysis failed.');
      }
      await sleep(intervalMs, signal);
    }
  }
}
