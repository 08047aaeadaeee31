// Media endpoints (issues 21 and 14 item 20) through the `openai` package: a transcription upload
// is keyed by its parts and the file's hash (never by the random multipart boundary), speech
// comes back as binary audio byte-identical, image generation replays.
import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { sendJson } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { errorOf, recordThenReplay, settle, valueOf } from '../helpers/record-replay.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

const client = (p: TestProxy) => new OpenAI({ apiKey: 'sk-media-test', baseURL: p.baseUrl('openai'), maxRetries: 0 });

/** A tiny WAV-looking file: the proxy only ever hashes it. */
function audio(seed: number): Buffer {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  bytes.write('RIFF', 0, 'latin1');
  return bytes;
}

describe('audio transcription (multipart upload)', () => {
  it('replays by the parts and the file hash whatever the boundary; another file is a miss', async () => {
    const transcribe = async (p: TestProxy, seed = 1) =>
      client(p).audio.transcriptions.create({
        file: await toFile(audio(seed), 'hello.wav', { type: 'audio/wav' }),
        model: 'whisper-1',
        language: 'en',
      });
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: (req, res) => {
        expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
        sendJson(res, 200, { text: 'Hello world.', usage: { type: 'duration', seconds: 1 } });
      },
      call: (p) => transcribe(p),
    });
    expect(valueOf(r.live, 'live').text).toBe('Hello world.');
    // Golden: a fresh SDK call draws a new boundary, and still hits.
    expect(valueOf(r.golden, 'golden').text).toBe('Hello world.');
    expect(r.goldenSummary).toMatchObject({ hits: 1, misses: 0 });

    const [stored] = await storedInteractions(r.store);
    expect(stored?.request.body).toMatchObject({
      kind: 'json',
      json: {
        multipart: expect.arrayContaining([
          { name: 'model', value: 'whisper-1' },
          { name: 'file', filename: 'hello.wav', contentType: 'audio/wav', bytes: 4096, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
        ]),
      },
    });

    const golden = await startProxy({ mode: 'golden', store: r.store, upstream: ['openai=http://127.0.0.1:9'] });
    const err = errorOf(await settle(() => transcribe(golden, 2)), 'another file');
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as Error).message).toMatch(/sha256/);
  });
});

describe('text-to-speech (binary audio, streamed)', () => {
  it('replays the audio byte-identical', async () => {
    const mp3 = Buffer.concat([Buffer.from([0xff, 0xf3, 0x44, 0xc4]), audio(7), Buffer.from([0x00, 0xff, 0xfe])]);
    const speak = async (p: TestProxy) => {
      const answer = await client(p).audio.speech.create({
        model: 'gpt-4o-mini-tts',
        voice: 'alloy',
        input: 'Hello world.',
        response_format: 'mp3',
      });
      return Buffer.from(await answer.arrayBuffer());
    };
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: async (_req, res) => {
        // Sent in pieces with chunked framing, as the real endpoint streams audio.
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'transfer-encoding': 'chunked' });
        for (let at = 0; at < mp3.length; at += 1000) {
          res.write(mp3.subarray(at, at + 1000));
          await new Promise((done) => setTimeout(done, 2));
        }
        res.end();
      },
      call: (p) => speak(p),
    });
    expect(valueOf(r.live, 'live').equals(mp3)).toBe(true);
    expect(valueOf(r.golden, 'golden').equals(mp3)).toBe(true);
    expect(r.rawGolden[0]?.[0]?.headers['content-type']).toBe('audio/mpeg');
    expect(r.rawGolden[0]?.[0]?.body.equals(mp3)).toBe(true);
    expect(r.rawGolden[1]?.[0]?.body.equals(mp3)).toBe(true);
  });
});

describe('image generation', () => {
  it('replays a generated image answer', async () => {
    const answer = {
      created: 1764806400,
      data: [{ b64_json: Buffer.from('not really a png').toString('base64') }],
      usage: { input_tokens: 8, output_tokens: 272, total_tokens: 280 },
    };
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: (_req, res) => sendJson(res, 200, answer),
      call: (p) => client(p).images.generate({ model: 'gpt-image-1', prompt: 'a red square', size: '1024x1024' }),
    });
    expect(valueOf(r.golden, 'golden')).toEqual(valueOf(r.live, 'live'));
    expect(r.goldenSummary).toMatchObject({ hits: 1, misses: 0 });
  });
});
