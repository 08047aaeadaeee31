import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CassetteError } from '../errors.js';
import type { Mode, TakeSummary } from '../types.js';
import { brokenTakeHint, jsonErrorPlace } from './json-error-place.js';
import { mayHaveBlobs, type StoredInteraction } from './stored-interaction.js';

/** Version tag of a take file; a reader refuses any other. */
export const TAKE_FORMAT = 'llm-cassette/take@1';

const TAKE_FILE = /^take-([1-9][0-9]{0,8})\.json$/;
const JOURNAL_FILE = /^take-([1-9][0-9]{0,8})\.journal\.jsonl$/;

export interface TakeHeader {
  episode: string;
  take: number;
  mode: Mode;
  createdAt: string;
  closedAt?: string;
}

/** A take as read from disk: interactions still in stored shape, in position order. */
export interface TakeRecord {
  header: TakeHeader;
  interactions: StoredInteraction[];
  /** The text holds `blob"`: decoding must look for references. */
  mayHaveBlobs: boolean;
}

export function takeFilePath(episodeDir: string, take: number): string {
  return join(episodeDir, `take-${take}.json`);
}

export function journalPath(episodeDir: string, take: number): string {
  return join(episodeDir, `take-${take}.journal.jsonl`);
}

/** The one serializer of the directory format: sorted keys, 2-space indent, trailing newline. */
export function serializeTake(header: TakeHeader, interactions: readonly StoredInteraction[]): string {
  const doc = {
    ...(header.closedAt !== undefined ? { closedAt: header.closedAt } : {}),
    createdAt: header.createdAt,
    episode: header.episode,
    format: TAKE_FORMAT,
    interactions: [...interactions].sort((a, b) => a.position - b.position),
    mode: header.mode,
    take: header.take,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The TakeSummary of a take as read. */
export function summarizeTake(record: TakeRecord): TakeSummary {
  const { header, interactions } = record;
  return {
    episode: header.episode,
    take: header.take,
    createdAt: header.createdAt,
    ...(header.closedAt !== undefined ? { closedAt: header.closedAt } : {}),
    mode: header.mode,
    interactions: interactions.length,
    incomplete: interactions.filter((s) => !s.complete).length,
  };
}

/** Reads `take-<n>.json`, or undefined when it does not exist. */
export function readTakeFile(path: string): TakeRecord | undefined {
  const text = readIfExists(path);
  if (text === undefined) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    const at = jsonErrorPlace(text, err as Error);
    throw unreadable(path, `not valid JSON at line ${at.line}, column ${at.column}: ${at.message}`, brokenTakeHint(text, path), {
      file: path,
      line: at.line,
      column: at.column,
    });
  }
  if (doc.format !== TAKE_FORMAT)
    throw unreadable(path, `unknown format ${JSON.stringify(doc.format)}`, 'It may come from a newer llm-cassette.');
  if (!Array.isArray(doc.interactions) || typeof doc.createdAt !== 'string' || typeof doc.mode !== 'string') {
    throw unreadable(path, 'missing createdAt, mode or interactions');
  }
  const interactions = doc.interactions as unknown[];
  interactions.forEach((i) => assertStoredInteraction(i, path));
  const header: TakeHeader = { episode: String(doc.episode), take: Number(doc.take), mode: doc.mode as Mode, createdAt: doc.createdAt };
  if (typeof doc.closedAt === 'string') header.closedAt = doc.closedAt;
  return { header, interactions: interactions as StoredInteraction[], mayHaveBlobs: mayHaveBlobs(text) };
}

/** Take numbers present in an episode directory (as a file, a journal or both), ascending. */
export function takeNumbers(episodeDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(episodeDir);
  } catch {
    return [];
  }
  const found = new Set<number>();
  for (const name of names) {
    const m = TAKE_FILE.exec(name) ?? JOURNAL_FILE.exec(name);
    if (m?.[1] !== undefined) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** Throws store_unreadable unless `value` has the fields every reader relies on. */
export function assertStoredInteraction(value: unknown, path: string): asserts value is StoredInteraction {
  const v = value as Partial<StoredInteraction> | null;
  if (v === null || typeof v !== 'object' || !Number.isSafeInteger(v.position) || typeof v.complete !== 'boolean') {
    throw unreadable(path, 'an interaction lacks a position or complete flag');
  }
}

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(path, (err as Error).message);
  }
}

export function unreadable(path: string, why: string, hint?: string, details?: Record<string, unknown>): CassetteError {
  return new CassetteError('store_unreadable', `cannot read ${path}: ${why}`, {
    ...(hint === undefined ? {} : { hint }),
    ...(details === undefined ? {} : { details }),
  });
}
