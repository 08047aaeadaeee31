import { describe, expect, it } from 'vitest';
import { detectStreamFormat } from '../../src/stream/detect-stream-format.js';
import { corpus, corpusIndex, hasCorpus, headerOf, routeOf } from '../helpers/corpus.js';

describe('detectStreamFormat', () => {
  it('reads text/event-stream as SSE, whatever its parameters and case', () => {
    expect(detectStreamFormat('text/event-stream', '/v1/chat/completions', '')).toBe('sse');
    expect(detectStreamFormat('Text/Event-Stream; charset=utf-8', '/v1/messages', '')).toBe('sse');
  });

  it('reads NDJSON and JSON Lines content types as ndjson', () => {
    expect(detectStreamFormat('application/x-ndjson', '/api/chat', '')).toBe('ndjson');
    expect(detectStreamFormat('application/jsonl; charset=utf-8', '/x', '')).toBe('ndjson');
  });

  it("reads Gemini's streamGenerateContent without alt=sse as a JSON array", () => {
    const path = '/v1beta/models/gemini-2.5-flash:streamGenerateContent';
    expect(detectStreamFormat('application/json; charset=UTF-8', path, '')).toBe('json-array');
    expect(detectStreamFormat('application/json', path, '?key=REDACTED')).toBe('json-array');
    expect(detectStreamFormat('application/json', path, 'alt=sse')).toBeUndefined();
    expect(detectStreamFormat('text/event-stream', path, 'alt=sse')).toBe('sse');
    // The route is the path before any query it carries; a JSON-suffixed type counts as JSON, other types do not.
    expect(detectStreamFormat('application/json', `${path}?key=REDACTED`, '')).toBe('json-array');
    expect(detectStreamFormat('application/json', `${path}x?q=:streamGenerateContent`, '')).toBeUndefined();
    expect(detectStreamFormat('application/vnd.google+json', path, '')).toBe('json-array');
    expect(detectStreamFormat('text/plain', path, '')).toBeUndefined();
  });

  it('reads whole answers, and a missing content type, as no stream', () => {
    expect(detectStreamFormat('application/json', '/v1beta/models/gemini-2.5-flash:generateContent', '')).toBeUndefined();
    expect(detectStreamFormat('application/json', '/v1/chat/completions', '')).toBeUndefined();
    expect(detectStreamFormat(undefined, '/v1/chat/completions', '')).toBeUndefined();
  });

  it.skipIf(!hasCorpus)('agrees with the corpus about which 2xx answers are streams', () => {
    for (const entry of corpusIndex().filter((e) => e.status === 200)) {
      const file = corpus(entry.file);
      const { path, query } = routeOf(file);
      const format = detectStreamFormat(headerOf(file.response.headers, 'content-type'), path, query);
      expect({ file: entry.file, stream: format !== undefined }).toEqual({ file: entry.file, stream: entry.streaming });
    }
  });
});
