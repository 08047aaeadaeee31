// src/log.ts reads no environment: the CLI and startCassette() hand it DEBUG, CASSETTE_LOG_JSON,
// NO_COLOR/FORCE_COLOR (src/config/environment.ts). These are the lines each setting gives.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { configureLogs, createLogger } from '../../src/log.js';
import type { LogSettings } from '../../src/log.js';

const DEFAULTS: LogSettings = { debug: false, json: false, color: 'auto', dumbTerminal: false };
afterEach(() => configureLogs(DEFAULTS));

/** What a logger writes to a stream that is (or is not) a terminal. */
async function linesOf(settings: LogSettings, tty: boolean, write: (log: ReturnType<typeof createLogger>) => void): Promise<string> {
  configureLogs(settings);
  const stream = Object.assign(new PassThrough(), { isTTY: tty });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  write(createLogger('info', stream));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return text;
}

describe('log settings', () => {
  it('a terminal gets short readable lines, warnings yellow and errors red when colour is on', async () => {
    const out = await linesOf({ ...DEFAULTS, color: 'always' }, true, (log) => {
      log.info({ status: 200 }, 'hit');
      log.warn({}, 'slow');
      log.error({}, 'broken');
    });
    expect(out).toContain('cassette hit');
    expect(out).toContain('\u001b[33mcassette warn: slow');
    expect(out).toContain('\u001b[31mcassette error: broken');
  });

  it('no colour on a terminal with NO_COLOR (never), nor on TERM=dumb unless forced', async () => {
    for (const s of [
      { ...DEFAULTS, color: 'never' as const },
      { ...DEFAULTS, dumbTerminal: true },
    ]) {
      const out = await linesOf(s, true, (log) => log.error({}, 'broken'));
      expect(out).toBe('cassette error: broken\n');
    }
  });

  it('CASSETTE_LOG_JSON gives JSON lines on a terminal; a pipe always gets JSON, never colour', async () => {
    const json = await linesOf({ ...DEFAULTS, json: true }, true, (log) => log.info({ status: 200 }, 'hit'));
    expect(JSON.parse(json)).toMatchObject({ level: 'info', status: 200, msg: 'hit' });
    const piped = await linesOf({ ...DEFAULTS, color: 'always' }, false, (log) => log.warn({}, 'slow'));
    expect(JSON.parse(piped)).toMatchObject({ level: 'warn', msg: 'slow' });
  });

  it('DEBUG=cassette:* adds debug lines at the info level', async () => {
    expect(await linesOf(DEFAULTS, false, (log) => log.debug({}, 'detail'))).toBe('');
    const out = await linesOf({ ...DEFAULTS, debug: true }, false, (log) => log.debug({}, 'detail'));
    expect(JSON.parse(out)).toMatchObject({ level: 'debug', msg: 'detail' });
  });
});
