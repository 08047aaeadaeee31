import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFramer } from '../../src/stream/create-framer.js';
import { parseEvent } from '../../src/stream/parse-event.js';
import { corpus, formatOf, hasCorpus, responseText } from '../helpers/corpus.js';
import { streamingFiles } from './corpus.js';
import { chunkAt, frameAll } from './stream-arbitraries.js';

function frameBody(file: string): { body: string; raws: string[]; format: ReturnType<typeof formatOf> } {
  const recorded = corpus(file);
  const format = formatOf(recorded);
  if (format === undefined) throw new Error(`${file}: not detected as a stream`);
  const body = responseText(recorded);
  return { body, raws: frameAll(() => createFramer(format), [body]), format };
}

/** Splits UTF-8 bytes at the given offsets, so multi-byte characters may be cut in two. */
function byteChunks(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe.skipIf(!hasCorpus)('framing the recorded streams of the corpus', () => {
  const files = streamingFiles();

  it('covers every streamed 2xx answer of the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(24);
  });

  it.each(files)('%s: events concatenate to the exact body, whatever the chunking', (file) => {
    const { body, raws, format } = frameBody(file);
    expect(raws.join('')).toBe(body);
    expect(raws.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (points) => {
        expect(frameAll(() => createFramer(format!), chunkAt(body, points))).toEqual(raws);
      }),
      { numRuns: 40 },
    );
  });

  it.each(files)('%s: every event but a JSON array tail carries JSON or [DONE]', (file) => {
    const { raws, format } = frameBody(file);
    const events = raws.map((raw) => parseEvent(format!, raw));
    const body = format === 'json-array' ? events.slice(0, -1) : events;
    for (const event of body) {
      if (event.data === undefined) expect(event.comments.length).toBeGreaterThan(0);
      else if (event.data !== '[DONE]') expect(event.json).toBeTypeOf('object');
    }
  });

  it.each(files)('%s: UTF-8 bytes split mid-character decode into the same events', (file) => {
    const { body, raws, format } = frameBody(file);
    const bytes = new TextEncoder().encode(body);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 60 }), (points) => {
        const decoder = new TextDecoder('utf-8', { fatal: false });
        const framer = createFramer(format!);
        const out: string[] = [];
        for (const chunk of byteChunks(bytes, points)) out.push(...framer.push(decoder.decode(chunk, { stream: true })));
        out.push(...framer.push(decoder.decode()), ...framer.end());
        expect(out).toEqual(raws);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps the DeepSeek emoji whole when its four bytes arrive one at a time', () => {
    const { body, raws } = frameBody('deepseek/chat-completions-stream.json');
    const bytes = new TextEncoder().encode(body);
    const emoji = new TextEncoder().encode('😊');
    const at = bytes.findIndex((_, i) => emoji.every((b, j) => bytes[i + j] === b));
    expect(at).toBeGreaterThan(0);
    const decoder = new TextDecoder('utf-8', { fatal: false });
    const framer = createFramer('sse');
    const out: string[] = [];
    for (const chunk of byteChunks(bytes, [at + 1, at + 2, at + 3])) out.push(...framer.push(decoder.decode(chunk, { stream: true })));
    out.push(...framer.end());
    expect(out).toEqual(raws);
    expect(out.join('')).not.toContain('\uFFFD');
    expect(out.some((raw) => raw.includes('" 😊"'))).toBe(true);
  });

  it('keeps the OpenRouter processing comments as events of their own', () => {
    const { raws } = frameBody('openrouter/chat-completions-stream-processing-comments.json');
    expect(raws.slice(0, 2)).toEqual([': OPENROUTER PROCESSING\n\n', ': OPENROUTER PROCESSING\n\n']);
    expect(parseEvent('sse', raws[0]!)).toEqual({ comments: [' OPENROUTER PROCESSING'] });
    expect(raws.at(-1)).toBe('data: [DONE]\n\n');
  });

  it("frames Gemini's \\r\\n\\r\\n-separated SSE and keeps the separators", () => {
    const { raws } = frameBody('gemini/stream-generate-content-sse-thinking.json');
    expect(raws).toHaveLength(5);
    for (const raw of raws) expect(raw.endsWith('}\r\n\r\n')).toBe(true);
  });

  it("frames Gemini's JSON-array stream into three chunks and the closing ]", () => {
    const { raws } = frameBody('gemini/stream-generate-content-json-array.json');
    expect(raws).toHaveLength(4);
    expect(raws[0]!.startsWith('[{\n  "candidates"')).toBe(true);
    expect(raws[1]!.startsWith('\n,\r\n{')).toBe(true);
    expect(raws[3]).toBe('\n]');
  });

  it("keeps Anthropic's trailing padding inside the event", () => {
    const { raws } = frameBody('anthropic/messages-stream-basic.json');
    expect(raws.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"         }\n\n');
    expect(parseEvent('sse', raws.at(-1)!)).toMatchObject({ event: 'message_stop', json: { type: 'message_stop' } });
  });

  it('frames the Gemini 404 served as text/event-stream (plain JSON, no blank line) as one piece', () => {
    const recorded = corpus('gemini/error-404-model-not-found-stream.json');
    const body = responseText(recorded);
    expect(formatOf(recorded)).toBe('sse');
    expect(frameAll(() => createFramer('sse'), [body])).toEqual([body]);
  });
});
