import { describe, expect, it } from 'vitest';

import { parseKernelMessage } from '../src/protocol/messages';

const FRAME = {
  name: 'sales',
  rows: 1000,
  columns: 2,
  memory_bytes: 16000,
  column_names: ['a', 'b'],
  dtypes: ['int64', 'object'],
  more_columns: 0
};

describe('parseKernelMessage', () => {
  it('reads hello with its engine', () => {
    const engine = { offline: false, model: 'gpt-4o', endpoint: 'http://llm', privacy: 'masked' };
    expect(parseKernelMessage({ type: 'hello', version: '0.1', engine })).toEqual({
      type: 'hello',
      version: '0.1',
      engine
    });
  });

  it('refuses a hello whose privacy mode is unknown', () => {
    const engine = { offline: true, model: '', endpoint: '', privacy: 'everything' };
    expect(parseKernelMessage({ type: 'hello', version: '0.1', engine })).toBeNull();
  });

  it('reads frames, filling in optional fields', () => {
    const bare = { name: 'df', rows: 3, columns: 1, column_names: ['x'] };
    expect(parseKernelMessage({ type: 'frames', frames: [FRAME, bare] })).toEqual({
      type: 'frames',
      frames: [FRAME, { ...bare, memory_bytes: null, dtypes: [], more_columns: 0 }]
    });
  });

  it.each([
    ['a negative row count', { ...FRAME, rows: -1 }],
    ['a fractional column count', { ...FRAME, columns: 1.5 }],
    ['a missing name', { ...FRAME, name: undefined }],
    ['column names that are not strings', { ...FRAME, column_names: [1, 2] }]
  ])('refuses frames when one has %s', (_, frame) => {
    expect(parseKernelMessage({ type: 'frames', frames: [FRAME, frame] })).toBeNull();
  });

  it('reads an answer with the model defaults for missing fields', () => {
    const message = parseKernelMessage({
      type: 'answer',
      request: 'r1',
      answer: { question: 'how many rows?', kind: 'number', value: 1000, confidence: 0.9 },
      bundles: [{ 'text/plain': '1,000' }],
      cell: 'len(sales)'
    });
    expect(message).toEqual({
      type: 'answer',
      request: 'r1',
      answer: {
        question: 'how many rows?',
        kind: 'number',
        value: 1000,
        code: '',
        engine: 'rules',
        message: '',
        warnings: [],
        data: '',
        confidence: 0.9,
        unit: ''
      },
      bundles: [{ 'text/plain': '1,000' }],
      cell: 'len(sales)'
    });
  });

  it.each([
    ['an unknown kind', { question: 'q', kind: 'picture' }],
    ['no question', { kind: 'number' }]
  ])('refuses an answer with %s', (_, answer) => {
    expect(parseKernelMessage({ type: 'answer', request: 'r1', answer, bundles: [] })).toBeNull();
  });

  it('refuses bundles that are not objects', () => {
    const answer = { question: 'q', kind: 'text' };
    const data = { type: 'answer', request: 'r1', answer, bundles: ['<b>x</b>'] };
    expect(parseKernelMessage(data)).toBeNull();
  });

  it('clamps progress to [0, 1]', () => {
    expect(
      parseKernelMessage({ type: 'progress', request: 'r', stage: 'profiling', fraction: 1.2 })
    ).toEqual({ type: 'progress', request: 'r', stage: 'profiling', fraction: 1 });
  });

  it('reads analysis, report, stopped and busy', () => {
    expect(
      parseKernelMessage({ type: 'analysis', request: 'a', summary: 's', bundles: [] })
    ).toEqual({ type: 'analysis', request: 'a', summary: 's', bundles: [] });
    const link = { format: 'html', name: 'report.html', url: '/files/report.html' };
    expect(parseKernelMessage({ type: 'report', request: 'p', links: [link] })).toEqual({
      type: 'report',
      request: 'p',
      links: [link]
    });
    expect(parseKernelMessage({ type: 'stopped', request: 'a' })).toEqual({
      type: 'stopped',
      request: 'a'
    });
    expect(parseKernelMessage({ type: 'busy' })).toEqual({ type: 'busy' });
  });

  it('reads an error with or without a request', () => {
    expect(parseKernelMessage({ type: 'error', request: null, message: 'No frame.' })).toEqual({
      type: 'error',
      request: null,
      message: 'No frame.'
    });
    expect(parseKernelMessage({ type: 'error', message: 'No frame.' })).toEqual({
      type: 'error',
      request: null,
      message: 'No frame.'
    });
    expect(parseKernelMessage({ type: 'error', request: 'r', message: 'Bad.' })?.type).toBe(
      'error'
    );
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an array', [{ type: 'busy' }]],
    ['no type', { frames: [] }],
    ['an unknown type', { type: 'telemetry' }],
    ['a stopped without request', { type: 'stopped' }],
    ['an error without message', { type: 'error', request: 'r' }]
  ])('returns null for %s', (_, data) => {
    expect(parseKernelMessage(data)).toBeNull();
  });
});
