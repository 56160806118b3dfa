/**
 * The messages of the sidebar's comm protocol with the kernel side
 * (`analyst_magics/sidebar.py`): the kernel sends `KernelMessage`s, the sidebar sends
 * `FrontendMessage`s. `parseKernelMessage` turns an untyped comm payload into a message.
 */
import type { JSONObject, JSONValue } from '@lumino/coreutils';

import {
  isCount,
  isFiniteNumber,
  isJSONObject,
  isRecord,
  isString,
  isStringArray,
  parseList,
  stringOr
} from '../guards';

export const COMM_TARGET = 'analyst_magics.sidebar';
export const PROTOCOL_VERSION = 1;

export type Privacy = 'schema' | 'masked' | 'full';
export type AnswerKind = 'number' | 'text' | 'boolean' | 'table' | 'list' | 'chart' | 'error';
/** A display bundle: MIME type → data, as in a notebook output. */
export type MimeBundle = JSONObject;

export interface EngineInfo {
  offline: boolean;
  model: string;
  endpoint: string;
  privacy: Privacy;
}

/** One DataFrame of the kernel's namespace: its shape and schema, never its data. */
export interface FrameInfo {
  name: string;
  rows: number;
  columns: number;
  memory_bytes: number | null;
  column_names: string[];
  dtypes: string[];
  /** Columns left out of `column_names` (wide frames). */
  more_columns: number;
}

/** Mirrors the pydantic `Answer` model (fields with defaults are filled in). */
export interface Answer {
  question: string;
  kind: AnswerKind;
  value: JSONValue;
  code: string;
  engine: string;
  message: string;
  warnings: string[];
  data: string;
  confidence: number | null;
  unit: string;
}

export interface ReportLink {
  format: string;
  name: string;
  url: string;
}

export interface HelloMessage {
  type: 'hello';
  version: string;
  engine: EngineInfo;
}
export interface FramesMessage {
  type: 'frames';
  frames: FrameInfo[];
}
export interface BusyMessage {
  type: 'busy';
}
export interface AnswerMessage {
  type: 'answer';
  request: string;
  answer: Answer;
  bundles: MimeBundle[];
  cell: string;
}
export interface ProgressMessage {
  type: 'progress';
  request: string;
  stage: string;
  fraction: number;
}
export interface AnalysisMessage {
  type: 'analysis';
  request: string;
  summary: string;
  bundles: MimeBundle[];
}
export interface ReportMessage {
  type: 'report';
  request: string;
  links: ReportLink[];
}
export interface StoppedMessage {
  type: 'stopped';
  request: string;
}
export interface ErrorMessage {
  type: 'error';
  request: string | null;
  message: string;
}

export type KernelMessage =
  | HelloMessage
  | FramesMessage
  | BusyMessage
  | AnswerMessage
  | ProgressMessage
  | AnalysisMessage
  | ReportMessage
  | StoppedMessage
  | ErrorMessage;

/** What the results area shows, newest first. */
export type ResultMessage = AnswerMessage | AnalysisMessage | ReportMessage;

// Type aliases rather than interfaces: they are assignable to `JSONObject` for `comm.send`.
export type FrontendMessage =
  | { type: 'ask'; request: string; frame: string; question: string; engine: 'auto' }
  | { type: 'analyze'; request: string; frame: string }
  | { type: 'stop'; request: string }
  | { type: 'report'; request: string; analysis: string }
  | { type: 'refresh' };

const ANSWER_KINDS: readonly string[] = [
  'number',
  'text',
  'boolean',
  'table',
  'list',
  'chart',
  'error'
];
const PRIVACY_MODES: readonly string[] = ['schema', 'masked', 'full'];

function isAnswerKind(value: unknown): value is AnswerKind {
  return isString(value) && ANSWER_KINDS.includes(value);
}

function isPrivacy(value: unknown): value is Privacy {
  return isString(value) && PRIVACY_MODES.includes(value);
}

function parseEngine(value: unknown): EngineInfo | null {
  if (!isRecord(value) || typeof value.offline !== 'boolean' || !isPrivacy(value.privacy)) {
    return null;
  }
  return {
    offline: value.offline,
    model: stringOr(value, 'model', ''),
    endpoint: stringOr(value, 'endpoint', ''),
    privacy: value.privacy
  };
}

function parseFrame(value: unknown): FrameInfo | null {
  if (!isRecord(value) || !isString(value.name) || !isCount(value.rows)) {
    return null;
  }
  if (!isCount(value.columns) || !isStringArray(value.column_names)) {
    return null;
  }
  const dtypes = isStringArray(value.dtypes) ? value.dtypes : [];
  return {
    name: value.name,
    rows: value.rows,
    columns: value.columns,
    memory_bytes: isCount(value.memory_bytes) ? value.memory_bytes : null,
    column_names: value.column_names,
    dtypes,
    more_columns: isCount(value.more_columns) ? value.more_columns : 0
  };
}

function parseAnswer(value: unknown): Answer | null {
  if (!isRecord(value) || !isString(value.question) || !isAnswerKind(value.kind)) {
    return null;
  }
  const confidence = value.confidence;
  return {
    question: value.question,
    kind: value.kind,
    // The payload is JSON, so is its value; a missing one reads as null.
    value: (value.value ?? null) as JSONValue,
    code: stringOr(value, 'code', ''),
    engine: stringOr(value, 'engine', 'rules'),
    message: stringOr(value, 'message', ''),
    warnings: isStringArray(value.warnings) ? value.warnings : [],
    data: stringOr(value, 'data', ''),
    confidence: isFiniteNumber(confidence) ? confidence : null,
    unit: stringOr(value, 'unit', '')
  };
}

function parseBundles(value: unknown): MimeBundle[] | null {
  if (!Array.isArray(value) || !value.every(isJSONObject)) {
    return null;
  }
  return value;
}

function parseLink(value: unknown): ReportLink | null {
  if (!isRecord(value) || !isString(value.url) || !isString(value.name)) {
    return null;
  }
  return { format: stringOr(value, 'format', ''), name: value.name, url: value.url };
}

/**
 * Read a comm payload (`msg.content.data`) as a kernel message.
 *
 * Returns null for anything that is not a well-formed message of a known type, so that a
 * newer kernel side can add message types without breaking an older sidebar.
 */
export function parseKernelMessage(data: unknown): KernelMessage | null {
  if (!isRecord(data) || !isString(data.type)) {
    return null;
  }
  const request = data.request;
  switch (data.type) {
    case 'hello': {
      const engine = parseEngine(data.engine);
      return engine ? { type: 'hello', version: stringOr(data, 'version', ''), engine } : null;
    }
    case 'frames': {
      const frames = parseList(data.frames, parseFrame);
      return frames ? { type: 'frames', frames } : null;
    }
    case 'busy':
      return { type: 'busy' };
    case 'answer': {
      const answer = parseAnswer(data.answer);
      const bundles = parseBundles(data.bundles ?? []);
      if (!isString(request) || !answer || !bundles) {
        return null;
      }
      return { type: 'answer', request, answer, bundles, cell: stringOr(data, 'cell', '') };
    }
    case 'progress': {
      if (!isString(request) || !isFiniteNumber(data.fraction)) {
        return null;
      }
      const fraction = Math.min(1, Math.max(0, data.fraction));
      return { type: 'progress', request, stage: stringOr(data, 'stage', ''), fraction };
    }
    case 'analysis': {
      const bundles = parseBundles(data.bundles ?? []);
      if (!isString(request) || !bundles) {
        return null;
      }
      return { type: 'analysis', request, summary: stringOr(data, 'summary', ''), bundles };
    }
    case 'report': {
      const links = parseList(data.links, parseLink);
      return isString(request) && links ? { type: 'report', request, links } : null;
    }
    case 'stopped':
      return isString(request) ? { type: 'stopped', request } : null;
    case 'error': {
      if (
        !isString(data.message) ||
        !(isString(request) || request === null || request === undefined)
      ) {
        return null;
      }
      return { type: 'error', request: request ?? null, message: data.message };
    }
    default:
      return null;
  }
}
