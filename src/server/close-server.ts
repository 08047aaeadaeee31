import type { Server } from 'node:http';

/** Stops accepting, gives in-flight calls a moment, then cuts what is still open. */
export async function closeServer(server: Server, inFlight: Set<Promise<unknown>>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // In-flight calls get a moment to finish; streams still open after that are cut (recorded incomplete).
  await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 2_000).unref())]);
  server.closeAllConnections();
  await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 1_000).unref())]);
  await closed;
}
