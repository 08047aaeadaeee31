import type { StreamFormat } from './types.js';

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonl',
  'application/jsonlines',
  'application/x-jsonlines',
]);

function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function asksForSse(query: string): boolean {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  return params.getAll('alt').some((value) => value.toLowerCase() === 'sse');
}

/**
 * Tells from the response content type and the request route whether a response body is a
 * stream, and in which wire format; undefined for an ordinary (whole) body.
 */
export function detectStreamFormat(contentType: string | undefined, path: string, query: string): StreamFormat | undefined {
  if (contentType === undefined) return undefined;
  const type = mediaType(contentType);
  if (type === 'text/event-stream') return 'sse';
  if (NDJSON_TYPES.has(type)) return 'ndjson';
  if (type === 'application/vnd.amazon.eventstream') return 'aws-eventstream';
  // Gemini streams without `alt=sse` as one JSON array sent piece by piece under an ordinary
  // JSON content type: only the route tells it apart from a whole JSON answer.
  if (type !== 'application/json' && !type.endsWith('+json')) return undefined;
  // indexOf, not split: this runs on every forwarded answer, and almost every one is plain JSON.
  const q = path.indexOf('?');
  const route = q === -1 ? path : path.slice(0, q);
  if (route.endsWith(':streamGenerateContent') && !asksForSse(query)) return 'json-array';
  return undefined;
}
