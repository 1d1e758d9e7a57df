// A pass-through HTTP proxy in front of Azurite's blob endpoint, for tests that need to see the app's blob
// requests or to act between two of them (a tape replaced after the app read it once): each request waits
// for the test's hook, then goes to Azurite unchanged and Azurite's answer comes back unchanged. Storage is
// still Azurite; the proxy only watches and decides when.
import { createServer, request as forward, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A blob request as the app sent it: `path` is the URL's path and query (`/devstoreaccount1/{container}/…`). */
export interface BlobRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface BlobProxy {
  /** The connection string given, with its BlobEndpoint through the proxy (queues and tables unchanged). */
  connectionString: string;
  /** Awaited before each request is forwarded; a hook that throws answers that request 502. */
  hook: ((request: BlobRequest) => void | Promise<void>) | undefined;
  close(): Promise<void>;
}

/** Starts a proxy for the BlobEndpoint of `connectionString` (an Azurite connection string) on a free port. */
export async function startBlobProxy(connectionString: string): Promise<BlobProxy> {
  const endpoint = /BlobEndpoint=([^;]+)/.exec(connectionString)?.[1];
  if (endpoint === undefined) throw new Error('the connection string names no BlobEndpoint');
  const target = new URL(endpoint);
  const server = createServer((incoming, answer) => {
    const request = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers: incoming.headers };
    Promise.resolve(proxy.hook?.(request)).then(
      () => {
        const upstream = forward(
          {
            host: target.hostname,
            port: target.port,
            method: request.method,
            path: request.path,
            headers: request.headers,
          },
          (reply) => {
            answer.writeHead(reply.statusCode ?? 502, reply.headers);
            reply.pipe(answer);
          },
        );
        upstream.on('error', (error) => answer.destroy(error));
        incoming.pipe(upstream);
      },
      (error: unknown) => {
        answer.writeHead(502).end(`blob proxy hook failed: ${String(error)}`);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(endpoint);
  proxied.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const proxy: BlobProxy = {
    connectionString: connectionString.replace(endpoint, proxied.href.replace(/\/$/, '')),
    hook: undefined,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
