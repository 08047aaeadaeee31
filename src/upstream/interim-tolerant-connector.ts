import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/** A 1xx status undici passes on like any other interim answer (it only refuses 100). */
const INTERIM_STAND_IN = 199;

interface H1Parser {
  onHeadersComplete(statusCode: number, upgrade: boolean, shouldKeepAlive: boolean): number;
}

/**
 * undici's HTTP/1.1 parser destroys the socket when a `100 Continue` arrives ("bad response"), so
 * an upstream that sends one unasked (RFC 9110 §15.2: a client must parse and may ignore any 1xx)
 * became a 502. Other 1xx (102, 103, made-up ones) are passed on as interim answers, which
 * forward-request skips. The parser undici attaches to each socket is reached through undici's own
 * `kParser` symbol, and a 100 is handed to it as another interim status; if undici's internals
 * change, nothing is patched and a 100 is a 502 again (test/e2e/hostile-upstream.test.ts fails).
 * See docs/notes/undici-interim-answers.md.
 */
export function interimTolerantConnector(options: buildConnector.BuildOptions): buildConnector.connector {
  const base = buildConnector(options);
  return (opts, callback) =>
    base(opts, (...args) => {
      if (args[0] === null) acceptInterim(args[1]);
      callback(...args);
    });
}

const kParser = findParserSymbol();

function findParserSymbol(): symbol | undefined {
  try {
    const symbols = createRequire(import.meta.url)('undici/lib/core/symbols.js') as Record<string, unknown>;
    return typeof symbols.kParser === 'symbol' ? symbols.kParser : undefined;
  } catch {
    return undefined;
  }
}

function acceptInterim(socket: Socket): void {
  if (kParser === undefined) return;
  let parser: unknown;
  Object.defineProperty(socket, kParser, {
    configurable: true,
    enumerable: true,
    get: () => parser,
    set: (value: unknown) => {
      parser = value;
      if (value && typeof (value as Partial<H1Parser>).onHeadersComplete === 'function') patch(value as H1Parser);
    },
  });
}

function patch(parser: H1Parser): void {
  const onHeadersComplete = parser.onHeadersComplete;
  parser.onHeadersComplete = function (statusCode, upgrade, shouldKeepAlive) {
    return onHeadersComplete.call(this, statusCode === 100 ? INTERIM_STAND_IN : statusCode, upgrade, shouldKeepAlive);
  };
}
