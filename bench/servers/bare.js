// The limit and the fake LLM upstream: a bare node:http server answering pre-rendered bytes.
// POST with `"stream":true` in the body gets the 40-event SSE stream, anything else the ~2 KB JSON.
//   node bench/servers/bare.js [--port 0] [--sse-delay-ms 0]
// Prints one JSON line {"port":N} once it listens. Exits on SIGTERM or when stdin closes.
import { createServer } from 'node:http';
import { JSON_HEADERS, SSE_HEADERS, jsonAnswer, sseEvents } from '../lib/payloads.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt('--port', '0'));
const sseDelayMs = Number(opt('--sse-delay-ms', '0'));

const json = jsonAnswer();
const jsonHeaders = { ...JSON_HEADERS, 'content-length': String(json.length) };
const events = sseEvents();
const STREAM_FLAG = Buffer.from('"stream":true');

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    if (body.indexOf(STREAM_FLAG) < 0) {
      res.writeHead(200, jsonHeaders);
      res.end(json);
      return;
    }
    res.writeHead(200, SSE_HEADERS);
    if (sseDelayMs <= 0) {
      for (const e of events) res.write(e);
      res.end();
      return;
    }
    // First event at once, then one every sseDelayMs (what a model streaming tokens looks like).
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      res.write(events[i++]);
      if (i < events.length) setTimeout(next, sseDelayMs);
      else res.end();
    };
    next();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
