import { colorWanted, createPaint } from './util/paint.js';
import type { ColorSetting } from './util/paint.js';

/**
 * Structured logs on stderr: JSON lines when stderr is not a TTY (for machines), short readable
 * lines when it is (for people). Object first, then message, as pino does. Nothing here may
 * receive a secret: callers log redacted values only.
 */
export type LogLevel = 'quiet' | 'info' | 'verbose';

export interface Logger {
  /** False under --quiet: callers skip building per-request fields nobody will read. */
  readonly infoEnabled: boolean;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
  debug(fields: Record<string, unknown>, msg: string): void;
}

/** How logs are written; this module reads no environment: the CLI and startCassette() call configureLogs. */
export interface LogSettings {
  /** DEBUG=cassette:*: debug lines at every level. */
  readonly debug: boolean;
  /** CASSETTE_LOG_JSON: JSON lines even on a terminal. */
  readonly json: boolean;
  /** NO_COLOR / FORCE_COLOR: readable lines on a terminal colour warnings yellow and errors red. */
  readonly color: ColorSetting;
  /** TERM=dumb: no colour unless forced. */
  readonly dumbTerminal: boolean;
}

let settings: LogSettings = { debug: false, json: false, color: 'auto', dumbTerminal: false };

/** Sets how loggers created from now on write (src/config/environment.ts has the values). */
export function configureLogs(next: LogSettings): void {
  settings = Object.freeze({ ...next });
}

/** A logger writing to `stream` (default stderr) at `level`. */
export function createLogger(level: LogLevel, stream: NodeJS.WritableStream = process.stderr): Logger {
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  const pretty = tty && !settings.json;
  const debugOn = settings.debug;
  const paint = createPaint(pretty && colorWanted(settings.color, tty, settings.dumbTerminal));
  const sink = createLineSink(stream);
  const write = (lvl: 'debug' | 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string): void => {
    if (pretty) {
      const extra = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const line = `cassette ${lvl === 'info' ? '' : `${lvl}: `}${msg}`;
      const tinted = lvl === 'error' ? paint.fail(line) : lvl === 'warn' ? paint.warn(line) : lvl === 'debug' ? paint.dim(line) : line;
      sink(`${tinted}${extra ? `  ${paint.dim(extra)}` : ''}\n`);
    } else {
      sink(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), ...fields, msg })}\n`);
    }
  };
  return {
    infoEnabled: level !== 'quiet',
    info: (f, m) => level !== 'quiet' && write('info', f, m),
    warn: (f, m) => write('warn', f, m),
    error: (f, m) => write('error', f, m),
    debug: (f, m) => (level === 'verbose' || debugOn) && write('debug', f, m),
  } as Logger;
}

/**
 * Collects the lines of one event-loop turn and writes them with one call: a write to a pipe or
 * file is a blocking syscall, and one per request cost more than the rest of a golden replay.
 * Pending lines are written synchronously when the process exits.
 */
function createLineSink(stream: NodeJS.WritableStream): (line: string) => void {
  let pending: string[] = [];
  const flush = (): void => {
    unflushed.delete(flush);
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
  };
  return (line) => {
    if (pending.length === 0) {
      setImmediate(flush);
      unflushed.add(flush);
    }
    pending.push(line);
  };
}

/** Sinks holding lines; one exit listener for all of them, however many loggers a process makes. */
const unflushed = new Set<() => void>();
process.once('exit', () => {
  for (const flush of [...unflushed]) flush();
});

/** A logger that drops everything (programmatic use without output). */
export const silentLogger: Logger = { infoEnabled: false, info() {}, warn() {}, error() {}, debug() {} };
