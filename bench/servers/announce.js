// Runs a peer's own CLI in this process (so its pid is the one measured) and prints {"port":N}
// once PORT accepts connections:  node bench/servers/announce.js PORT CLI.js ARGS...
import { pathToFileURL } from 'node:url';
import { waitForPort } from '../lib/procs.js';

const [port, cli, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], cli, ...args];
await import(pathToFileURL(cli).href);
await waitForPort(Number(port), 20_000);
process.stdout.write(JSON.stringify({ port: Number(port) }) + '\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
