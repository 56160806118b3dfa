/**
 * How the sidebar writes numbers, sizes and the engine: one home for formatting.
 */
import type { EngineInfo, FrameInfo } from './protocol/messages';

// A fixed locale: the kernel side and the reports write "1,000", so the sidebar does too.
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

export function formatInteger(value: number): string {
  return INTEGER.format(value);
}

/** "1,000 × 2" */
export function formatShape(rows: number, columns: number): string {
  return `${formatInteger(rows)} × ${formatInteger(columns)}`;
}

/** "15.6 kB", in SI units (1 kB = 1000 B). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/** "87%" for a fraction in [0, 1] (a confidence, a job's progress). */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** "Offline rules · privacy: schema" or "Model gpt-4o at https://… · privacy: masked". */
export function describeEngine(engine: EngineInfo): string {
  const privacy = `privacy: ${engine.privacy}`;
  if (engine.offline) {
    return `Offline rules · ${privacy}`;
  }
  const model = engine.model || 'the configured model';
  const at = engine.endpoint ? ` at ${engine.endpoint}` : '';
  return `Model ${model}${at} · ${privacy}`;
}

/** "revenue: float64" for each listed column of `frame`. */
export function columnLabels(frame: FrameInfo): string[] {
  return frame.column_names.map((column, i) =>
    frame.dtypes[i] ? `${column}: ${frame.dtypes[i]}` : column
  );
}

/** The tooltip of a frame: shape, memory, then one "name: dtype" line per column. */
export function describeFrame(frame: FrameInfo): string {
  const lines = [`${frame.name}: ${formatShape(frame.rows, frame.columns)}`];
  if (frame.memory_bytes !== null) {
    lines.push(`Memory: ${formatBytes(frame.memory_bytes)}`);
  }
  lines.push(...columnLabels(frame));
  if (frame.more_columns > 0) {
    lines.push(`… and ${formatInteger(frame.more_columns)} more columns`);
  }
  return lines.join('\n');
}
