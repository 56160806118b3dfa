import { describe, expect, it } from 'vitest';
import { ServerConnection } from '@jupyterlab/services';

import { AnalystAPI, ApiError, serverUrl } from '../src/rest';

const BASE = 'http://localhost:8888/lab-base/';

type Reply = { status?: number; body: unknown } | Error;

/** A fetch that records each request and answers with the next reply. */
function fakeServer(...replies: Reply[]): { api: AnalystAPI; requests: Request[] } {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input);
    requests.push(request);
    const reply = replies.shift();
    if (reply === undefined) {
      throw new Error(`unexpected request ${request.method} ${request.url}`);
    }
    if (reply instanceof Error) {
      throw reply;
    }
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(text, { status: reply.status ?? 200 });
  };
  const settings = ServerConnection.makeSettings({ baseUrl: BASE, token: 'secret', fetch });
  return { api: new AnalystAPI(settings), requests };
}

/** The request's URL without the cache-busting query that `cache: 'no-store'` adds. */
const address = (request: Request | undefined): string => request?.url.replace(/\?\d+$/, '') ?? '';

const ok = (data: unknown, status = 200): Reply => ({
  status,
  body: { status: 'ok', message: '', data }
});

const REPORT = {
  name: 'sales-20260101T000000Z.html',
  format: 'html',
  size_bytes: 2048,
  modified_at: '2026-01-01T00:00:00+00:00',
  has_bundle: true
};
const DATASET = {
  id: 'd1',
  name: 'sales',
  filename: 'sales.csv',
  extension: 'csv',
  size_bytes: 48,
  sha256: 'abc',
  rows: 4,
  columns: 2,
  column_names: ['region', 'revenue'],
  dtypes: { region: 'str', revenue: 'int64' },
  created_at: '2026-01-01T00:00:00+00:00'
};
const job = (state: string, progress: number, message = ''): Reply =>
  ok({
    job_id: 'j1',
    kind: 'analyze',
    dataset: 'd1',
    state,
    stage: state,
    progress,
    message,
    created_at: 'now'
  });

describe('AnalystAPI', () => {
  it('lists reports from the envelope, with the token', async () => {
    const { api, requests } = fakeServer(ok([REPORT]));
    expect(await api.listReports()).toEqual([REPORT]);
    expect(requests[0]?.method).toBe('GET');
    expect(address(requests[0])).toBe(`${BASE}analyst/v1/reports`);
    expect(requests[0]?.headers.get('Authorization')).toBe('token secret');
  });

  it('keeps only the dataset fields it uses', async () => {
    const { api } = fakeServer(ok([DATASET]));
    const [dataset] = await api.listDatasets();
    expect(dataset).toEqual({
      id: 'd1',
      name: 'sales',
      filename: 'sales.csv',
      size_bytes: 48,
      rows: 4,
      columns: 2,
      created_at: '2026-01-01T00:00:00+00:00'
    });
  });

  it('uploads a file as the multipart field "file"', async () => {
    const { api, requests } = fakeServer(ok(DATASET, 201));
    const file = new Blob(['region,revenue\nnorth,10\n'], { type: 'text/csv' });
    expect((await api.uploadDataset(file, 'sales.csv')).id).toBe('d1');
    const request = requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    const sent = (await request?.formData())?.get('file');
    expect(sent instanceof Blob && (await sent.text())).toBe('region,revenue\nnorth,10\n');
  });

  it('starts an analysis with a JSON body and its content type', async () => {
    const accepted = {
      job_id: 'j1',
      state: 'queued',
      status_url: '/analyst/v1/jobs/j1',
      progress_url: '/analyst/v1/jobs/j1/progress'
    };
    const { api, requests } = fakeServer(ok(accepted, 202));
    expect(await api.analyze('d1')).toEqual(accepted);
    expect(requests[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(await requests[0]?.json()).toEqual({ dataset: 'd1', report: true });
  });

  it('deletes a dataset by its URL-encoded id', async () => {
    const { api, requests } = fakeServer(ok({ id: 'a b' }));
    await api.deleteDataset('a b');
    expect(requests[0]?.method).toBe('DELETE');
    expect(address(requests[0])).toBe(`${BASE}analyst/v1/datasets/a%20b`);
  });

  it("raises the server's own message on an error envelope", async () => {
    const body = { status: 'error', message: "No dataset with id or name 'nope'.", data: {} };
    const { api } = fakeServer({ status: 404, body });
    const error = await api.analyze('nope').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: "No dataset with id or name 'nope'.", status: 404 });
  });

  it('says what went wrong when the reply is not JSON', async () => {
    const { api } = fakeServer({ status: 404, body: '<html>Not Found</html>' });
    await expect(api.listReports()).rejects.toThrow(
      /not JSON: is the analyst_magics server extension enabled/
    );
  });

  it('says when the server cannot be reached', async () => {
    const { api } = fakeServer(new TypeError('Failed to fetch'));
    await expect(api.listReports()).rejects.toThrow(/Cannot reach the Jupyter server/);
  });

  it('refuses a reply whose data has the wrong shape', async () => {
    const { api } = fakeServer(ok([{ ...REPORT, size_bytes: 'big' }]));
    await expect(api.listReports()).rejects.toThrow(/Unexpected reply to analyst\/v1\/reports/);
  });

  it('polls a job until it is done, reporting each state', async () => {
    const { api, requests } = fakeServer(job('queued', 0), job('running', 0.5), job('done', 1));
    const seen: number[] = [];
    const done = await api.waitForJob('j1', status => seen.push(status.progress), {
      intervalMs: 0
    });
    expect(done.state).toBe('done');
    expect(seen).toEqual([0, 0.5, 1]);
    expect(requests.map(address)).toEqual(Array(3).fill(`${BASE}analyst/v1/jobs/j1`));
  });

  it("rejects with a failed job's message", async () => {
    const { api } = fakeServer(job('running', 0.2), job('error', 0.2, 'The file has no columns.'));
    await expect(api.waitForJob('j1', () => undefined, { intervalMs: 0 })).rejects.toThrow(
      'The file has no columns.'
    );
  });

  it('stops polling when aborted', async () => {
    const { api, requests } = fakeServer(job('running', 0.1), job('running', 0.2));
    const controller = new AbortController();
    const waiting = api.waitForJob('j1', () => controller.abort(), {
      intervalMs: 60_000,
      signal: controller.signal
    });
    await expect(waiting).rejects.toThrow('Stopped following the job.');
    expect(requests).toHaveLength(1);
  });

  it('builds report, download and bundle links under the base URL', () => {
    const { api } = fakeServer();
    expect(api.reportUrl('r 1.html')).toBe(`${BASE}analyst/v1/reports/r%201.html`);
    expect(api.reportUrl('r.html', { download: true })).toBe(
      `${BASE}analyst/v1/reports/r.html?download=1`
    );
    expect(api.bundleUrl('r.html')).toBe(`${BASE}analyst/v1/reports/r.html/bundle`);
  });
});

describe('serverUrl', () => {
  it('resolves a link relative to the server root under the base URL', () => {
    expect(serverUrl(BASE, '/files/report.html')).toBe(`${BASE}files/report.html`);
    expect(serverUrl(BASE, 'analyst/v1/reports/r.html')).toBe(`${BASE}analyst/v1/reports/r.html`);
  });

  it('does not repeat a base path the link already has', () => {
    expect(serverUrl(BASE, '/lab-base/files/report.html')).toBe(`${BASE}files/report.html`);
    expect(serverUrl('http://localhost:8888/', '/files/r.html')).toBe(
      'http://localhost:8888/files/r.html'
    );
  });

  it('keeps absolute URLs', () => {
    expect(serverUrl(BASE, 'https://example.org/r.html')).toBe('https://example.org/r.html');
  });
});
