// Hosts a peer record/replay proxy in a process of its own, as its docs show it.
//   node bench/servers/peer.js talkback|yakbak record|replay PORT DIR UPSTREAM_URL
// Prints {"port":N} once it listens; exits on SIGTERM or when stdin closes.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'package.json'));
const [peer, mode, portArg, dir, upstream] = process.argv.slice(2);
const port = Number(portArg);
let close = () => {};

if (peer === 'talkback') {
  const talkback = require('talkback');
  const server = talkback({
    host: upstream,
    port,
    path: dir,
    record: mode === 'record' ? talkback.Options.RecordMode.NEW : talkback.Options.RecordMode.DISABLED,
    fallbackMode: talkback.Options.FallbackMode.NOT_FOUND,
    silent: true,
    summary: false,
  });
  await server.start();
  close = () => server.close();
  // talkback installs its own SIGINT/SIGTERM handlers that print a summary; ours exits quietly.
} else if (peer === 'yakbak') {
  const yakbak = require('yakbak');
  // yakbak writes each tape as a CommonJS module and require()s it: inside a "type": "module"
  // package (this one) the tapes need a CommonJS scope of their own.
  const scope = dirname(dir);
  mkdirSync(scope, { recursive: true });
  if (!existsSync(join(scope, 'package.json'))) writeFileSync(join(scope, 'package.json'), '{ "type": "commonjs" }\n');
  const server = createServer(yakbak(upstream, { dirname: dir, noRecord: mode !== 'record' }));
  server.keepAliveTimeout = 30_000;
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  close = () => server.close();
} else {
  process.stderr.write(`unknown peer ${peer}\n`);
  process.exit(2);
}
process.stdout.write(JSON.stringify({ port }) + '\n');
const stop = () => {
  try {
    close();
  } catch {}
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
