import { describe, expect, it } from 'vitest';
import { encodeFrames } from '../../src/modes/websocket/encode-frames.js';
import { createRedactor } from '../../src/safety/create-redactor.js';

const redactor = createRedactor([{ pattern: '[\\w.+-]+@example\\.com', replacement: '<EMAIL>' }]);
const frame = (from: 'client' | 'server', value: unknown, binary = false) => ({
  ms: 1,
  from,
  binary,
  data: Buffer.from(JSON.stringify(value)),
});

describe('frames as stored', () => {
  it('redacts credentials and config rules inside frames, keeping the bytes of untouched frames', () => {
    const [a, b] = encodeFrames(
      [
        frame('client', { type: 'x', note: 'key sk-proj-PLANTEDinFrame0123456789abcd' }),
        frame('server', { type: 'y', to: 'ann@example.com' }, true),
      ],
      redactor,
    );
    expect(JSON.stringify(a?.body)).not.toContain('PLANTED');
    expect(JSON.stringify(b?.body)).toContain('<EMAIL>');
    expect(b?.binary).toBe(true);
  });

  it('finds a credential streamed in pieces over several frames and cuts it from each piece', () => {
    const frames = encodeFrames(
      [
        frame('server', { type: 'response.output_text.delta', delta: 'your key is sk-proj-PLANT' }),
        frame('server', { type: 'response.output_text.delta', delta: 'EDsplit0123456789' }),
        frame('server', { type: 'response.output_text.delta', delta: 'abcdef, keep it safe' }),
      ],
      redactor,
    );
    const text = frames.map((f) => (f.body.kind === 'json' ? (f.body.json as { delta: string }).delta : '')).join('');
    expect(text).toBe('your key is <REDACTED>, keep it safe');
    expect(JSON.stringify(frames)).not.toMatch(/PLANT|EDsplit|0123456789abcdef/);
  });
});
