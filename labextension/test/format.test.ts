import { describe, expect, it } from 'vitest';

import {
  describeEngine,
  describeFrame,
  formatBytes,
  formatPercent,
  formatShape
} from '../src/format';

describe('format', () => {
  it('writes shapes with thousands separators', () => {
    expect(formatShape(1000, 2)).toBe('1,000 × 2');
    expect(formatShape(1234567, 12345)).toBe('1,234,567 × 12,345');
  });

  it('writes sizes in SI units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(16000)).toBe('16.0 kB');
    expect(formatBytes(123_456_789)).toBe('123 MB');
  });

  it('writes fractions as percentages', () => {
    expect(formatPercent(0.874)).toBe('87%');
  });

  it('names the engine, its endpoint and the privacy mode', () => {
    expect(describeEngine({ offline: true, model: '', endpoint: '', privacy: 'schema' })).toBe(
      'Offline rules · privacy: schema'
    );
    const model = {
      offline: false,
      model: 'llama3',
      endpoint: 'http://localhost:11434/v1',
      privacy: 'masked' as const
    };
    expect(describeEngine(model)).toBe(
      'Model llama3 at http://localhost:11434/v1 · privacy: masked'
    );
  });

  it('describes a frame with memory, dtypes and the columns left out', () => {
    const frame = {
      name: 'wide',
      rows: 10,
      columns: 102,
      memory_bytes: 8160,
      column_names: ['a', 'b'],
      dtypes: ['int64', 'float64'],
      more_columns: 100
    };
    expect(describeFrame(frame)).toBe(
      'wide: 10 × 102\nMemory: 8.2 kB\na: int64\nb: float64\n… and 100 more columns'
    );
  });
});
