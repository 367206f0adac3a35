/**
 * A TCP proxy in front of the receiver that resets every connection once it
 * carried a set number of bytes from the client: a middlebox or a flaky
 * uplink that drops long transfers, whatever the requests on it are. It
 * counts every byte the client sent, so a benchmark can compare what went
 * over the wire with what the server stored (scripts/bench-resume.ts).
 */
import net, { type AddressInfo } from 'node:net';

export interface ResetProxy {
  origin: string;
  /** Bytes the clients sent through the proxy, forwarded or not. */
  bytesIn(): number;
  /** Connections the proxy reset. */
  resets(): number;
  close(): Promise<void>;
}

/** `limit()` is read for every chunk, so a test may change it between steps; undefined or Infinity never resets. */
export async function startResetProxy(targetPort: number, limit: () => number | undefined): Promise<ResetProxy> {
  let bytesIn = 0;
  let resets = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let carried = 0;
    let reset = false;
    client.on('data', (chunk: Buffer) => {
      bytesIn += chunk.length;
      if (reset) return;
      const cap = limit() ?? Number.POSITIVE_INFINITY;
      if (carried + chunk.length <= cap) {
        carried += chunk.length;
        upstream.write(chunk);
        return;
      }
      // The bytes up to the limit still reach the server, as they would through a real middlebox.
      upstream.write(chunk.subarray(0, Math.max(0, cap - carried)), () => upstream.destroy());
      carried = cap;
      reset = true;
      resets += 1;
      client.resetAndDestroy();
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      sockets.delete(client);
      if (!reset) upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytesIn: () => bytesIn,
    resets: () => resets,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
