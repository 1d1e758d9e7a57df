// Persistence for the local Cosmos DB server (@vercel/cosmosdb-server keeps everything in memory; no
// Cosmos-compatible server on npm keeps its data: /work/shared/reference/emulators.md §2). The server's
// HTTP surface is journaled: every write it acknowledges (create, upsert, replace, patch, delete, batch; of
// documents, containers and databases) is appended to a file before the answer leaves, and a server
// started on the same file replays the journal through its own HTTP API before it answers anyone else. So
// a kill -9 of the process loses no acknowledged write. A journal that has grown past a threshold is
// compacted at start: rewritten as the current state (databases, containers, documents in batches).
//
// Writes are journaled in the order the server applied them: a handler applies a write and answers it in
// the same turn of the event loop (lib/index.js awaits the body, then the handler, then ends the response),
// so the order of `end` calls is the order of application. Conditions (If-Match, a patch's condition)
// held when the write was applied, so they are dropped from the journal: a replay applies unconditionally.
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { Agent, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { CosmosClient } from '@azure/cosmos';

/** One journaled write: the request as the server received it, without what only held for that moment. */
export interface JournalEntry {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Headers that carry no meaning for the write itself (or a condition that already held). */
const DROPPED_HEADERS = new Set([
  'authorization',
  'x-ms-date',
  'x-ms-version',
  'x-ms-session-token',
  'x-ms-useragent',
  'x-ms-activity-id',
  'x-ms-cosmos-correlated-activityid',
  'if-match',
  'if-none-match',
]);

/** Whether a request changes the server's state: not a read, a query or a query plan. */
export function isWrite(method: string, headers: IncomingMessage['headers']): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return !(
    headers['x-ms-documentdb-isquery'] !== undefined || headers['x-ms-cosmos-is-query-plan-request'] !== undefined
  );
}

/** The journal entry of an applied write: its meaningful headers, and its body without conditions. */
export function journalEntry(
  method: string,
  path: string,
  headers: IncomingMessage['headers'],
  body: string,
): JournalEntry {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') continue;
    if (name === 'content-type' || (name.startsWith('x-ms-') && !DROPPED_HEADERS.has(name))) kept[name] = value;
  }
  return { method, path, headers: kept, body: withoutConditions(method, headers, body) };
}

/** A patch's `condition` and a batch operation's `ifMatch`/`ifNoneMatch` held when the write was applied. */
function withoutConditions(method: string, headers: IncomingMessage['headers'], body: string): string {
  const isBatch = headers['x-ms-cosmos-is-batch-request'] !== undefined;
  if (method !== 'PATCH' && !isBatch) return body;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (method === 'PATCH' && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { condition: _condition, ...rest } = parsed as Record<string, unknown>;
      return JSON.stringify(rest);
    }
    if (isBatch && Array.isArray(parsed))
      return JSON.stringify(
        parsed.map((op: Record<string, unknown>) => {
          const { ifMatch: _ifMatch, ifNoneMatch: _ifNoneMatch, ...rest } = op;
          return rest;
        }),
      );
  } catch {
    // Not JSON: the server refused it, and a refused write is never journaled.
  }
  return body;
}

/** The entries of a journal file; a last line cut short by a crash (never acknowledged) is dropped from the file. */
export function readJournal(file: string): JournalEntry[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const entries: JournalEntry[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (line === '') break;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      break;
    }
    offset += Buffer.byteLength(line) + 1;
  }
  if (offset < Buffer.byteLength(text)) truncateSync(file, offset);
  return entries;
}

export interface JournaledServer {
  /** Resolves when the journal has been replayed (and compacted); requests are held until then. */
  ready: Promise<{ replayed: number; compacted: boolean }>;
  /** Closes the journal file (after the server has closed). */
  close(): void;
}

export interface JournalOptions {
  /** The journal file (created if missing). */
  file: string;
  /** The server's port once it listens (replay goes through its own HTTP API). */
  port: number;
  /** Compact at start when the journal is at least this many bytes. Default 32 MiB. */
  compactAtBytes?: number;
}

/**
 * Journals `server`'s writes to `options.file` and replays the file into it once it listens. Call before
 * `listen`: the server's request listener is wrapped (held until replayed; writes appended before their
 * answer is sent).
 */
export function journalServer(server: Server, options: JournalOptions): JournaledServer {
  const token = randomUUID();
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  const serve = (req: IncomingMessage, res: ServerResponse) => handlers.forEach((h) => h(req, res));

  let fd = openSync(options.file, 'a');
  let held: Array<() => void> | undefined = [];

  const journaled = (req: IncomingMessage, res: ServerResponse) => {
    if (!isWrite(req.method ?? 'GET', req.headers)) return serve(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (res.statusCode >= 200 && res.statusCode < 300) {
        const entry = journalEntry(req.method!, req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'));
        writeSync(fd, `${JSON.stringify(entry)}\n`);
      }
      return end(...args);
    }) as ServerResponse['end'];
    serve(req, res);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers['x-journal-replay'] === token) return serve(req, res);
    if (held) held.push(() => journaled(req, res));
    else journaled(req, res);
  });

  const ready = (async () => {
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
    const entries = readJournal(options.file);
    // Its own connections: a pooled one (global fetch's) may still point at a previous server on this port.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const entry of entries) await replayOne(agent, options.port, token, entry);
    } finally {
      agent.destroy();
    }
    let compacted = false;
    if (statSync(options.file).size >= (options.compactAtBytes ?? 32 * 1024 * 1024)) {
      closeSync(fd);
      await compactJournal(options.file, options.port, token);
      fd = openSync(options.file, 'a');
      compacted = true;
    }
    const waiting = held ?? [];
    held = undefined;
    waiting.forEach((go) => go());
    return { replayed: entries.length, compacted };
  })();
  return { ready, close: () => closeSync(fd) };
}

/** Sends one journaled write to the server, as its client once did; a refusal: the journal is not this server's. */
function replayOne(agent: Agent, port: number, token: string, entry: JournalEntry): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent = request({ agent, host: '127.0.0.1', port, method: entry.method, path: entry.path }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve();
        const text = Buffer.concat(chunks).toString('utf8').slice(0, 300);
        reject(new Error(`replaying ${entry.method} ${entry.path} answered ${status}: ${text}`));
      });
    });
    sent.on('error', reject);
    for (const [name, value] of Object.entries(entry.headers)) sent.setHeader(name, value);
    sent.setHeader('x-journal-replay', token);
    sent.end(entry.body === '' ? undefined : entry.body);
  });
}

const SYSTEM_PROPERTIES = [
  '_rid',
  '_self',
  '_etag',
  '_ts',
  '_attachments',
  '_docs',
  '_sprocs',
  '_triggers',
  '_udfs',
  '_conflicts',
  '_colls',
  '_users',
];
const withoutSystem = (resource: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(resource).filter(([key]) => !SYSTEM_PROPERTIES.includes(key)));

/** A document's partition key value under `paths[0]` (`/jobId`, `/meta/jobId`). */
function partitionKeyOf(document: Record<string, unknown>, paths: readonly string[]): unknown {
  return (paths[0] ?? '')
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

/** Documents per journaled batch in a compacted journal. */
const COMPACT_BATCH = 100;

/**
 * Rewrites the journal as the server's current state: each database, each container with its definition,
 * and its documents as upsert batches. Written beside the file, then renamed over it (atomic: a crash
 * leaves the old journal or the new one, never half of one).
 */
async function compactJournal(file: string, port: number, token: string): Promise<void> {
  const client = new CosmosClient({
    endpoint: `http://127.0.0.1:${port}`,
    key: 'local',
    connectionPolicy: { enableEndpointDiscovery: false },
    defaultHeaders: { 'x-journal-replay': token },
  });
  const next = `${file}.compacting`;
  const fd = openSync(next, 'w');
  const write = (entry: JournalEntry) => writeSync(fd, `${JSON.stringify(entry)}\n`);
  const json = { 'content-type': 'application/json' };
  try {
    const { resources: databases } = await client.databases.readAll().fetchAll();
    for (const database of databases) {
      write({ method: 'POST', path: '/dbs', headers: json, body: JSON.stringify({ id: database.id }) });
      const { resources: containers } = await client.database(database.id).containers.readAll().fetchAll();
      for (const definition of containers) {
        const colls = `/dbs/${encodeURIComponent(database.id)}/colls`;
        write({ method: 'POST', path: colls, headers: json, body: JSON.stringify(withoutSystem({ ...definition })) });
        const paths = definition.partitionKey?.paths ?? [];
        const { resources: documents } = await client
          .database(database.id)
          .container(definition.id)
          .items.readAll<Record<string, unknown>>()
          .fetchAll();
        for (let i = 0; i < documents.length; i += COMPACT_BATCH) {
          const operations = documents.slice(i, i + COMPACT_BATCH).map((document) => ({
            operationType: 'Upsert',
            resourceBody: withoutSystem(document),
            partitionKey: JSON.stringify([partitionKeyOf(document, paths)]),
          }));
          write({
            method: 'POST',
            path: `${colls}/${encodeURIComponent(definition.id)}/docs`,
            headers: {
              ...json,
              'x-ms-cosmos-is-batch-request': 'true',
              'x-ms-cosmos-batch-atomic': 'true',
              'x-ms-documentdb-partitionkey': operations[0]!.partitionKey,
            },
            body: JSON.stringify(operations),
          });
        }
      }
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    client.dispose();
  }
  renameSync(next, file);
}
