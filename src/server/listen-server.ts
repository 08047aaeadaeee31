import type { Server } from 'node:net';
import { CassetteError } from '../errors.js';

/** Listens on `host:port` (0 = any free port); resolves with the port, or fails with cannot_start and a hint. */
export async function listenServer(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new CassetteError('cannot_start', `cannot listen on ${host}:${port}: ${err.code ?? err.message}`, {
          cause: err,
          hint: listenHint(err.code),
        }),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** What to do when the proxy cannot listen: a bad --host is not fixed by another port. */
export function listenHint(code: string | undefined): string {
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return 'No network interface of this machine has that address: fix --host (127.0.0.1 by default, 0.0.0.0 for every interface).';
  if (code === 'EACCES') return 'That port needs privileges: pick a --port above 1023 (0 = any free port).';
  return 'Pick another --port (0 = any free port).';
}
