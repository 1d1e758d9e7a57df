// Application Insights as the app starts it in Azure (src/telemetry.ts), against a fake ingestion endpoint: an
// HTTPS server on loopback that answers as Breeze does and keeps every envelope and Authorization header. The
// SDK is the real one; only the service (and the Entra token) is fake. Own file: startTelemetry is once per
// process, and vitest runs each file in its own process.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { METRICS, startTelemetry, trackMetric } from '../../src/telemetry.ts';

interface Received {
  authorization: string | undefined;
  /** Envelope name, e.g. Microsoft.ApplicationInsights.Metric. */
  name: string;
  baseData: Record<string, unknown>;
}

const received: Received[] = [];
const servers: Server[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Flushes until `found` holds (a hung export fails by the test timeout, never by a wall-time bound). */
async function until(flush: () => Promise<void>, found: () => boolean): Promise<void> {
  while (!found()) {
    await flush();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let ingestion: string;
let storage: string;

beforeAll(async () => {
  const tls = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  // The SDK's HTTP client trusts the default CA list: add the fake's certificate to it (this process only).
  setDefaultCACertificates([...getCACertificates('default'), tls.cert]);
  ingestion = await listen(
    createHttpsServer({ key: tls.private, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString();
        const envelopes = (text.trim() === '' ? [] : JSON.parse(text)) as {
          name: string;
          data?: { baseData?: Record<string, unknown> };
        }[];
        for (const e of envelopes)
          received.push({
            authorization: req.headers.authorization,
            name: e.name,
            baseData: e.data?.baseData ?? {},
          });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: envelopes.length, itemsAccepted: envelopes.length, errors: [] }));
      });
    }),
  );
  // A storage endpoint that has no containers: the SDK's call is a dependency whatever it answers.
  storage = await listen(
    createHttpServer((_req, res) => {
      res.writeHead(404, { 'x-ms-error-code': 'ContainerNotFound' });
      res.end();
    }),
  );
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

it('sends metrics and Azure SDK dependencies with the identity’s token, and leaves requests to the host', async () => {
  const credential: TokenCredential = {
    getToken: () => Promise.resolve({ token: 'token-of-the-identity', expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  // The SDK samples traces at 5 per second by default (a rate limiter that can drop a run's first spans): this
  // test must see every one.
  process.env.OTEL_TRACES_SAMPLER = 'always_on';
  // Both endpoints on loopback: nothing leaves the machine whatever the SDK sends.
  const client = await startTelemetry({
    connectionString:
      'InstrumentationKey=00000000-0000-0000-0000-000000000001;' +
      `IngestionEndpoint=https://${ingestion}/;LiveEndpoint=https://${ingestion}/`,
    credential,
  });
  expect(client).toBeDefined();

  await trackMetric(METRICS.propertiesAnalyzed, 250, { jobId: 'job-telemetry' });
  const blobs = new BlobServiceClient(`http://${storage}/devstoreaccount1`, undefined, {
    retryOptions: { maxTries: 1 },
  });
  expect(await blobs.getContainerClient('portfolio-staging').exists()).toBe(false);

  const metric = () =>
    received.find(
      (r) =>
        r.name.endsWith('.Metric') &&
        (r.baseData.metrics as { name: string }[] | undefined)?.some((m) => m.name === METRICS.propertiesAnalyzed),
    );
  const dependencies = () => received.filter((r) => r.name.endsWith('.RemoteDependency')).map((r) => r.baseData);
  // The SDK's span for the call, and the HTTP request under it.
  const sdkCall = () => dependencies().find((d) => d.name === 'ContainerClient-exists');
  const httpCall = () =>
    dependencies().find((d) => d.type === 'Http' && String(d.data).startsWith(`http://${storage}/devstoreaccount1/`));
  await until(
    () => client!.flush(),
    () => metric() !== undefined && sdkCall() !== undefined && httpCall() !== undefined,
  );

  expect(metric()!.baseData).toMatchObject({ properties: { jobId: 'job-telemetry' } });
  expect(sdkCall()).toMatchObject({ type: 'InProc | Microsoft.Storage', success: true });
  expect(httpCall()).toMatchObject({ resultCode: '404' });
  // Entra ID ingestion: every batch carries the identity's token (the component's local auth is off in Azure).
  expect(new Set(received.map((r) => r.authorization))).toEqual(new Set(['Bearer token-of-the-identity']));
  // Not counted twice: the host records one request per invocation and streams Live Metrics for the app.
  expect(client!.config).toMatchObject({ enableAutoCollectRequests: false, enableSendLiveMetrics: false });
});
