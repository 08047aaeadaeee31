import { CassetteError } from '../errors.js';
import type { Interaction } from '../types.js';
import { readBlob, writeBlob } from './blob-files.js';

/** An interaction in its on-disk shape (see docs/store-format.md): plain JSON, ready to write. */
export type StoredInteraction = { position: number; complete: boolean } & Record<string, unknown>;

/** Base64 strings longer than this (64 KiB of text) move to side files. */
export const BLOB_THRESHOLD = 64 * 1024;

// Where key order is data: JSON bodies are re-serialized for byte-exact replay, so their keys keep
// the order they came in. Everything else is sorted so files are deterministic and diff well.
type Trie = { readonly [key: string]: Trie | true };
// (An array passes its node on to every element: `session.frames[*].body.json`.)
const DATA_PATHS: Trie = {
  request: { body: { json: true } },
  response: { body: { json: true }, session: { frames: { body: { json: true } } } },
};

// A reference is the only object with a key spelled exactly `$blob`: real keys `$blob`, `$$blob`,
// ... get one more `$` on write and lose it on read, so no recorded data can pass for a reference.
const REF_KEY = '$blob';
const DOLLAR_BLOB = /^\$+blob$/;
const DIGEST = /^sha256:([0-9a-f]{64})$/;
const DATA_URL_PREFIX = /^data:[^,]{0,200};base64,/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** `{"$blob": "sha256:<hex>", "bytes": N}` plus `encoding`/`prefix` when the string had them. */
interface BlobRef {
  $blob: string;
  bytes: number;
  encoding?: 'base64url';
  prefix?: string;
}

/** Converts an interaction to its stored shape, writing large base64 payloads to side files. */
export function encodeInteraction(i: Interaction, blobDir: string): StoredInteraction {
  return encode(i, DATA_PATHS, blobDir) as StoredInteraction;
}

/** Converts a stored shape back; `mayHaveBlobs` false skips the walk (no `blob"` in the text). */
export function decodeInteraction(stored: StoredInteraction, blobDir: string, mayHaveBlobs: boolean): Interaction {
  return (mayHaveBlobs ? decode(stored, blobDir) : stored) as unknown as Interaction;
}

/** Cheap test on raw file text: without this substring there is no reference and no escaped key. */
export function mayHaveBlobs(text: string): boolean {
  return text.includes('blob"');
}

function encode(value: unknown, trie: Trie | true | undefined, blobDir: string): unknown {
  if (typeof value === 'string') return value.length > BLOB_THRESHOLD ? (externalize(value, blobDir) ?? value) : value;
  if (Array.isArray(value)) return value.map((v) => encode(v, trie, blobDir));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record).map((k) => [escapeKey(k), k] as const);
  if (trie !== true) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([stored, k]) => [stored, encode(record[k], trie === true ? true : trie?.[k], blobDir)]));
}

function decode(value: unknown, blobDir: string): unknown {
  if (Array.isArray(value)) return value.map((v) => decode(v, blobDir));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, REF_KEY)) return restore(record, blobDir);
  return Object.fromEntries(Object.keys(record).map((k) => [unescapeKey(k), decode(record[k], blobDir)]));
}

function externalize(s: string, blobDir: string): BlobRef | undefined {
  const prefix = DATA_URL_PREFIX.exec(s)?.[0] ?? '';
  const text = s.slice(prefix.length);
  if (text.length <= BLOB_THRESHOLD) return undefined;
  const encoding = BASE64.test(text) ? 'base64' : BASE64URL.test(text) ? 'base64url' : undefined;
  if (encoding === undefined) return undefined;
  const bytes = Buffer.from(text, encoding);
  // Only strings the bytes re-encode to exactly (canonical padding, no line breaks) can move.
  if (bytes.toString(encoding) !== text) return undefined;
  const ref: BlobRef = { $blob: `sha256:${writeBlob(blobDir, bytes)}`, bytes: bytes.length };
  if (encoding === 'base64url') ref.encoding = encoding;
  if (prefix) ref.prefix = prefix;
  return ref;
}

function restore(ref: Record<string, unknown>, blobDir: string): string {
  const hex = typeof ref[REF_KEY] === 'string' ? DIGEST.exec(ref[REF_KEY])?.[1] : undefined;
  const { bytes, encoding = 'base64', prefix = '' } = ref;
  if (
    hex === undefined ||
    !Number.isSafeInteger(bytes) ||
    (encoding !== 'base64' && encoding !== 'base64url') ||
    typeof prefix !== 'string'
  ) {
    throw new CassetteError('store_unreadable', `malformed blob reference ${JSON.stringify(ref).slice(0, 200)}`);
  }
  return prefix + readBlob(blobDir, hex, bytes as number).toString(encoding);
}

function escapeKey(key: string): string {
  return DOLLAR_BLOB.test(key) ? `$${key}` : key;
}

function unescapeKey(key: string): string {
  return key.length > REF_KEY.length && DOLLAR_BLOB.test(key) ? key.slice(1) : key;
}
