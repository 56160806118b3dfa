import { beforeEach, describe, expect, it } from 'vitest';
import type { JSONObject } from '@lumino/coreutils';

import { type CommLike, MAX_RESULTS, SidebarClient } from '../src/protocol/client';
import type { FrontendMessage } from '../src/protocol/messages';

/** Records what the client opens and sends; `failing` makes `send` throw like a dead kernel. */
class FakeComm implements CommLike {
  opened: JSONObject[] = [];
  sent: FrontendMessage[] = [];
  closed = false;
  failing = false;

  open(data: JSONObject): void {
    this.opened.push(data);
  }
  send(data: FrontendMessage): void {
    if (this.failing) {
      throw new Error('Kernel is dead');
    }
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
}

const HELLO = {
  type: 'hello',
  version: '0.1.0',
  engine: { offline: true, model: '', endpoint: '', privacy: 'schema' }
};
const SALES = { name: 'sales', rows: 1000, columns: 2, column_names: ['a', 'b'] };

function answer(request: string, cell = 'sales.a.mean()'): JSONObject {
  return {
    type: 'answer',
    request,
    answer: { question: 'mean of a?', kind: 'number', value: 1.5, code: cell },
    bundles: [{ 'text/plain': '1.5' }],
    cell
  };
}

describe('SidebarClient', () => {
  let comm: FakeComm;
  let client: SidebarClient;
  let ids: number;

  beforeEach(() => {
    comm = new FakeComm();
    ids = 0;
    client = new SidebarClient({ newId: () => `r${++ids}` });
  });

  /** Connected and greeted, with the sales frame listed. */
  function ready(): void {
    client.connect(comm);
    client.receive(HELLO);
    client.receive({ type: 'frames', frames: [SALES] });
  }

  it('opens the comm with the protocol version and waits for hello', () => {
    client.connect(comm);
    expect(comm.opened).toEqual([{ version: 1 }]);
    expect(client.connection).toBe('connecting');
    expect(client.ask('sales', 'how many rows?')).toBeNull();
    expect(comm.sent).toEqual([]);

    client.receive(HELLO);
    expect(client.connection).toBe('ready');
    expect(client.engine?.privacy).toBe('schema');
  });

  it('lists frames and follows the busy state', () => {
    ready();
    expect(client.frames.map(frame => frame.name)).toEqual(['sales']);
    client.receive({ type: 'busy' });
    expect(client.busy).toBe(true);
    client.receive({ type: 'frames', frames: [] });
    expect(client.busy).toBe(false);
    expect(client.frames).toEqual([]);
  });

  it('sends one ask at a time and settles it with the answer', () => {
    ready();
    expect(client.ask('sales', '  mean of a?  ')).toBe('r1');
    expect(comm.sent).toEqual([
      { type: 'ask', request: 'r1', frame: 'sales', question: 'mean of a?', engine: 'auto' }
    ]);
    expect(client.ask('sales', 'another?')).toBeNull();
    expect(client.pending.ask).toBe('r1');

    client.receive(answer('r1'));
    expect(client.pending.ask).toBeNull();
    expect(client.lastAnswer?.cell).toBe('sales.a.mean()');
    expect(client.results).toHaveLength(1);
  });

  it('does not send an empty question', () => {
    ready();
    expect(client.ask('sales', '   ')).toBeNull();
    expect(comm.sent).toEqual([]);
  });

  it('emits each result and keeps the newest MAX_RESULTS', () => {
    ready();
    const seen: string[] = [];
    client.resultAdded.connect((_, result) => seen.push(result.type));
    for (let i = 0; i < MAX_RESULTS + 2; i++) {
      client.ask('sales', 'mean of a?');
      client.receive(answer(`r${i + 1}`, `cell${i}`));
    }
    expect(seen).toHaveLength(MAX_RESULTS + 2);
    expect(client.results).toHaveLength(MAX_RESULTS);
    expect(client.lastAnswer?.cell).toBe(`cell${MAX_RESULTS + 1}`);
  });

  it('tracks an analysis: progress, stop, then report on the finished one', () => {
    ready();
    expect(client.report()).toBeNull();
    expect(client.analyze('sales')).toBe('r1');
    expect(client.analyze('sales')).toBeNull();

    client.receive({ type: 'progress', request: 'other', stage: 'x', fraction: 0.9 });
    expect(client.progress).toBeNull();
    client.receive({ type: 'progress', request: 'r1', stage: 'profiling', fraction: 0.42 });
    expect(client.progress).toEqual({ stage: 'profiling', fraction: 0.42 });

    expect(client.stop()).toBe(true);
    expect(comm.sent.at(-1)).toEqual({ type: 'stop', request: 'r1' });
    expect(client.stopping).toBe(true);
    expect(client.stop()).toBe(false);
    client.receive({ type: 'stopped', request: 'r1' });
    expect(client.stopping).toBe(false);
    expect(client.pending.analyze).toBeNull();
    expect(client.progress).toBeNull();
    expect(client.stop()).toBe(false);

    expect(client.analyze('sales')).toBe('r2');
    client.receive({ type: 'analysis', request: 'r2', summary: '3 insights', bundles: [] });
    expect(client.lastAnalysis).toBe('r2');
    expect(client.report()).toBe('r3');
    expect(comm.sent.at(-1)).toEqual({ type: 'report', request: 'r3', analysis: 'r2' });
    client.receive({ type: 'report', request: 'r3', links: [] });
    expect(client.pending.report).toBeNull();
    expect(client.results.map(result => result.type)).toEqual(['report', 'analysis']);
  });

  it('shows a kernel error and settles its request', () => {
    ready();
    client.ask('sales', 'mean of z?');
    client.receive({ type: 'error', request: 'r1', message: "Column 'z' not found in 'sales'." });
    expect(client.pending.ask).toBeNull();
    expect(client.error).toBe("Column 'z' not found in 'sales'.");
    client.ask('sales', 'mean of a?');
    expect(client.error).toBeNull();
  });

  it('says so when the comm cannot send', () => {
    ready();
    comm.failing = true;
    expect(client.ask('sales', 'mean of a?')).toBeNull();
    expect(client.pending.ask).toBeNull();
    expect(client.error).toMatch(/Could not reach the kernel/);
  });

  it('forgets the kernel state on disconnect but keeps the results', () => {
    ready();
    client.ask('sales', 'mean of a?');
    client.receive(answer('r1'));
    client.analyze('sales');
    client.disconnect('The kernel restarted; reconnecting…');

    expect(client.connection).toBe('disconnected');
    expect(client.frames).toEqual([]);
    expect(client.pending).toEqual({ ask: null, analyze: null, report: null });
    expect(client.notice).toBe('The kernel restarted; reconnecting…');
    expect(client.results).toHaveLength(1);
    expect(client.refresh()).toBe(false);
  });

  it('keeps a restart notice until the kernel lists frames again', () => {
    client.connect(comm);
    client.setNotice('The kernel restarted.');
    client.receive(HELLO);
    client.receive({ type: 'frames', frames: [] });
    expect(client.notice).toBe('The kernel restarted.');
    client.receive({ type: 'frames', frames: [SALES] });
    expect(client.notice).toBe('');
  });

  it('ignores malformed messages without signalling a change', () => {
    ready();
    let changes = 0;
    client.changed.connect(() => changes++);
    client.receive({ type: 'frames', frames: 'sales' });
    client.receive(undefined);
    expect(changes).toBe(0);
    expect(client.frames).toHaveLength(1);
  });

  it('closes the comm on dispose', () => {
    ready();
    client.dispose();
    expect(comm.closed).toBe(true);
  });
});
