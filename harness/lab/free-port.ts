// A TCP port free on every guest address at once, so all lab guests share one port.
import { createServer } from 'node:net';

function listen(address: string, port: number): Promise<{ port: number; close: () => Promise<void> } | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, address, () => {
      const info = server.address();
      const bound = typeof info === 'object' && info !== null ? info.port : port;
      resolve({ port: bound, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** Whether `port` can be bound on `address` now. */
export async function portFree(address: string, port: number): Promise<boolean> {
  const held = await listen(address, port);
  await held?.close();
  return held !== undefined;
}

/** A port free on all `addresses` (a kernel-chosen port on the first, checked on the rest). */
export async function findFreePort(addresses: string[], attempts = 20): Promise<number> {
  const [first, ...rest] = addresses;
  if (first === undefined) throw new TypeError('findFreePort: no addresses');
  for (let n = 0; n < attempts; n++) {
    const held = await listen(first, 0);
    if (!held) continue;
    const others = await Promise.all(rest.map((a) => portFree(a, held.port)));
    await held.close();
    if (others.every(Boolean)) return held.port;
  }
  throw new Error(`no TCP port free on all of ${addresses.join(', ')} after ${attempts} attempts`);
}
