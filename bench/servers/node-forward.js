// The floor for a forwarder written in Node: node:http in front, an undici Pool behind (the same
// two parts llm-cassette's passthrough uses), and nothing else: no routing, no matching, no
// headers rewritten beyond hop-by-hop ones, the answer streamed through as it arrives. The gap
// between this line and nginx is Node's HTTP stack; the gap between passthrough and this line is
// llm-cassette's own work.
//   node bench/servers/node-forward.js --port 0 --upstream http://127.0.0.1:PORT
// Prints one JSON line {"port":N} once it listens. Exits on SIGTERM or when stdin closes.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt('--port', '0'));
const upstream = new Pool(opt('--upstream'), { connections: 64, pipelining: 1 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

const server = createServer((req, res) => {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
  upstream.stream(
    { path: req.url, method: req.method, headers, body: req },
    ({ statusCode, headers: answer }) => {
      for (const k of HOP) delete answer[k];
      res.writeHead(statusCode, answer);
      return res;
    },
    (err) => {
      if (!err) return;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    },
  );
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
