import { describe, expect, it } from 'vitest';
import {
  checkEventStream,
  createEventStreamFramer,
  encodeEventStreamMessage,
  parseEventStreamEvent,
} from '../../src/stream/aws-eventstream.js';
import { detectStreamFormat } from '../../src/stream/detect-stream-format.js';
import { streamEventBytes } from '../../src/stream/event-bytes.js';

const message = (type: string, payload: unknown): Buffer =>
  encodeEventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(payload)),
  );

const MESSAGES = [
  message('messageStart', { role: 'assistant', p: 'abc' }),
  message('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hé ✓' } }),
  message('messageStop', { stopReason: 'end_turn' }),
];
const WIRE = Buffer.concat(MESSAGES);

describe('AWS event stream framing', () => {
  it('is detected by its content type', () => {
    expect(detectStreamFormat('application/vnd.amazon.eventstream', '/model/m/converse-stream', '')).toBe('aws-eventstream');
  });

  it('cuts whole messages out of any chunking, keeping every byte', () => {
    for (const size of [1, 2, 5, 13, 64, WIRE.length]) {
      const framer = createEventStreamFramer();
      const raws: string[] = [];
      for (let at = 0; at < WIRE.length; at += size) raws.push(...framer.push(WIRE.subarray(at, at + size)));
      expect(framer.end()).toEqual([]);
      expect(raws.map((raw) => streamEventBytes('aws-eventstream', { ms: 0, raw }))).toEqual(MESSAGES);
    }
  });

  it('keeps a cut-off tail for end()', () => {
    const framer = createEventStreamFramer();
    const raws = framer.push(WIRE.subarray(0, WIRE.length - 5));
    expect(raws).toHaveLength(2);
    const tail = framer.end();
    expect(Buffer.concat([...raws, ...tail].map((r) => Buffer.from(r, 'base64')))).toEqual(WIRE.subarray(0, WIRE.length - 5));
  });

  it('parses the event type from the headers and the payload as JSON', () => {
    const parsed = parseEventStreamEvent((MESSAGES[1] as Buffer).toString('base64'));
    expect(parsed).toMatchObject({ event: 'contentBlockDelta', json: { contentBlockIndex: 0, delta: { text: 'Hé ✓' } } });
  });

  it('names the first message whose checksum fails', () => {
    const raws = MESSAGES.map((m) => m.toString('base64'));
    expect(checkEventStream(raws)).toBeUndefined();
    const bad = Buffer.from(MESSAGES[1] as Buffer);
    bad[bad.length - 10] = (bad[bad.length - 10] as number) ^ 0xff;
    const problem = checkEventStream([raws[0] as string, bad.toString('base64'), raws[2] as string]);
    expect(problem).toMatch(/event stream message 2 of 3 is corrupt: .*checksum/i);
    expect(parseEventStreamEvent(bad.toString('base64')).comments[0]).toMatch(/corrupt/);
  });
});
