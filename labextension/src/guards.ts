/**
 * Type guards for data that arrives as `unknown` (comm messages, REST replies).
 */
import type { JSONObject } from '@lumino/coreutils';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A plain object that came out of a JSON decoder. Only the top level is checked:
 * comm and HTTP payloads are JSON by construction, so the values are JSON too.
 */
export function isJSONObject(value: unknown): value is JSONObject {
  return isRecord(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A whole number ≥ 0: a count of rows, columns or bytes. */
export function isCount(value: unknown): value is number {
  return isFiniteNumber(value) && Number.isInteger(value) && value >= 0;
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

/** `record[key]` when it is a string, else `fallback` (for fields with defaults). */
export function stringOr(record: Record<string, unknown>, key: string, fallback: string): string {
  const value = record[key];
  return isString(value) ? value : fallback;
}

/** Every item of `value` read by `parse`, or null when it is not an array or an item fails. */
export function parseList<T>(value: unknown, parse: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(value)) {
    return null;
  }
  const items = value.map(parse);
  return items.every((item): item is T => item !== null) ? items : null;
}
