// The Durable Functions HTTP API (durable-protocol.md §5): the same handler serves the public webhook paths
// behind statusQueryGetUri (/runtime/webhooks/durabletask/...) and the durable client's RPC endpoint
// (/durabletask/...), as the extension's HttpApiHandler does.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventType, EVENT_TYPE_NAMES, historyEvent, type HistoryEvent } from './history.ts';
import type { DurableFunctionRunner } from './functions.ts';
import { parseEntityId, schedulerIdOf } from './entity-batch.ts';
import {
  RUNTIME_STATUSES,
  TERMINAL_STATUSES,
  type InstanceRecord,
  type RuntimeStatus,
  type TaskHubStore,
} from './store.ts';

export interface ClientApiOptions {
  store: TaskHubStore;
  functions: DurableFunctionRunner;
  /** e.g. http://127.0.0.1:7071 */
  baseUrl: string;
  taskHubName: string;
  /** `code=KEY` when a master key protects the host, else ''. */
  requiredQueryStringParameters: string;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** `@name@key`: the instance id of an entity (schedulerIdOf). */
const ENTITY_INSTANCE_ID = /^@[^@]+@/;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body !== undefined && { 'content-type': 'application/json; charset=utf-8' }),
    ...headers,
  });
  res.end(text);
}

/** The body as JSON text, or null when empty; 400 when it is not JSON. */
function jsonText(body: string): string | null {
  if (body.trim() === '') return null;
  try {
    JSON.parse(body);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  return body;
}

const parseJson = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

export function managementUrls(baseUrl: string, taskHubName: string, instanceId: string, required: string) {
  const base = `${baseUrl}/runtime/webhooks/durabletask/instances/${instanceId}`;
  const q = `taskHub=${encodeURIComponent(taskHubName)}&connection=Storage${required ? `&${required}` : ''}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${base}?${q}`,
    sendEventPostUri: `${base}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${base}/terminate?reason={text}&${q}`,
    rewindPostUri: `${base}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${base}?${q}`,
    restartPostUri: `${base}/restart?${q}`,
    suspendPostUri: `${base}/suspend?reason={text}&${q}`,
    resumePostUri: `${base}/resume?reason={text}&${q}`,
  };
}

function historyForStatus(events: HistoryEvent[], showOutput: boolean): unknown[] {
  return events
    .filter((e) => e.EventType !== EventType.OrchestratorStarted && e.EventType !== EventType.OrchestratorCompleted)
    .map((e) => ({
      EventType: EVENT_TYPE_NAMES[e.EventType],
      EventId: e.EventId,
      Timestamp: e.Timestamp,
      ...(e.Name !== undefined && { FunctionName: e.Name }),
      ...(e.TaskScheduledId !== undefined && { TaskScheduledId: e.TaskScheduledId }),
      ...(e.FireAt !== undefined && { FireAt: e.FireAt }),
      ...(showOutput && e.Result !== undefined && { Result: parseJson(e.Result ?? null) }),
      ...(e.Reason !== undefined && { Reason: e.Reason }),
    }));
}

function statusPayload(instance: InstanceRecord, options: { showInput: boolean; history?: unknown[] }) {
  return {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    input: options.showInput ? parseJson(instance.input) : null,
    customStatus: parseJson(instance.customStatus),
    output: parseJson(instance.output),
    createdTime: instance.createdTime.replace(/\.\d+Z$/, 'Z'),
    lastUpdatedTime: instance.lastUpdatedTime.replace(/\.\d+Z$/, 'Z'),
    ...(options.history && { historyEvents: options.history }),
  };
}

function parseStatuses(value: string | null): RuntimeStatus[] | undefined {
  if (!value) return undefined;
  const statuses = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of statuses)
    if (!(RUNTIME_STATUSES as readonly string[]).includes(s)) throw new HttpError(400, `Unknown runtimeStatus '${s}'.`);
  return statuses as RuntimeStatus[];
}

export function createClientApi(options: ClientApiOptions) {
  const { store, functions } = options;

  async function startInstance(name: string, instanceId: string, input: string | null): Promise<InstanceRecord> {
    const existing = await store.getInstance(instanceId);
    if (existing && !TERMINAL_STATUSES.has(existing.runtimeStatus)) {
      throw new HttpError(
        409,
        `An orchestration with instance id '${instanceId}' already exists and is ${existing.runtimeStatus}.`,
      );
    }
    const now = new Date().toISOString();
    const executionId = randomUUID();
    const registered = functions.orchestratorName(name) ?? name;
    const instance: InstanceRecord = {
      instanceId,
      name: registered,
      executionId,
      runtimeStatus: 'Pending',
      input,
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
      nextEventId: 0,
    };
    const started = historyEvent(EventType.ExecutionStarted, now, {
      Name: registered,
      Input: input,
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      ParentInstance: null,
    });
    await store.createInstance(instance, [{ id: randomUUID(), instanceId, executionId, event: started }]);
    return instance;
  }

  async function sendToInstance(instanceId: string, event: HistoryEvent, res: ServerResponse): Promise<void> {
    const instance = await store.getInstance(instanceId);
    if (!instance) return send(res, 404, { message: `No instance with ID '${instanceId}' found.` });
    if (TERMINAL_STATUSES.has(instance.runtimeStatus))
      return send(res, 410, { message: `The instance '${instanceId}' is ${instance.runtimeStatus}.` });
    await store.sendOrchestrationMessages([{ id: randomUUID(), instanceId, event }]);
    send(res, 202);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    try {
      await route(req, res, path);
    } catch (error) {
      if (error instanceof HttpError) send(res, error.status, { message: error.message });
      else send(res, 500, { message: error instanceof Error ? error.message : String(error) });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const url = new URL(path.startsWith('/') ? path : `/${path}`, 'http://devhost');
    // The host hands over the path after the prefix; the query string is read from the request itself.
    url.search = new URL(req.url ?? '/', 'http://devhost').search;
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    const query = url.searchParams;
    const method = req.method ?? 'GET';
    const [resource, first, second, third] = segments;

    if (resource === 'orchestrators' && first && method === 'POST') {
      if (!functions.hasOrchestrator(first))
        throw new HttpError(
          400,
          `The function '${first}' doesn't exist, is disabled, or is not an orchestrator function.`,
        );
      const instanceId = second ?? randomUUID().replaceAll('-', '');
      if (/[/\\#?]/.test(instanceId) || instanceId.length > 256)
        throw new HttpError(400, `Invalid instance id '${instanceId}'.`);
      const instance = await startInstance(first, instanceId, jsonText(await readBody(req)));
      const urls = managementUrls(
        options.baseUrl,
        options.taskHubName,
        instance.instanceId,
        options.requiredQueryStringParameters,
      );
      return send(res, 202, urls, { location: urls.statusQueryGetUri, 'retry-after': '10' });
    }

    if (resource === 'instances') {
      if (!first) {
        if (method === 'GET') {
          const top = query.get('top');
          const page = await store.queryInstances({
            createdTimeFrom: query.get('createdTimeFrom') ?? undefined,
            createdTimeTo: query.get('createdTimeTo') ?? undefined,
            runtimeStatus: parseStatuses(query.get('runtimeStatus')),
            instanceIdPrefix: query.get('instanceIdPrefix') ?? undefined,
            top: top ? Math.max(1, Math.min(1000, Number(top) || 100)) : undefined,
            continuationToken: (req.headers['x-ms-continuation-token'] as string | undefined) || undefined,
          });
          const showInput = query.get('showInput') === 'true';
          return send(
            res,
            200,
            page.instances.map((i) => statusPayload(i, { showInput })),
            page.continuationToken ? { 'x-ms-continuation-token': page.continuationToken } : {},
          );
        }
        if (method === 'DELETE') {
          const from = query.get('createdTimeFrom');
          if (!from) throw new HttpError(400, 'createdTimeFrom is required to purge by filter.');
          let deleted = 0;
          let continuationToken: string | undefined;
          const filter = {
            createdTimeFrom: from,
            createdTimeTo: query.get('createdTimeTo') ?? undefined,
            runtimeStatus: parseStatuses(query.get('runtimeStatus')),
          };
          const ids: string[] = [];
          do {
            const page = await store.queryInstances({ ...filter, top: 1000, continuationToken });
            ids.push(...page.instances.map((i) => i.instanceId));
            continuationToken = page.continuationToken;
          } while (continuationToken);
          for (const id of ids) if (await store.purgeInstance(id)) deleted++;
          return send(res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
        }
      }
      if (first && !second && method === 'GET') {
        const instance = await store.getInstance(first);
        if (!instance) return send(res, 404, { message: `No instance with ID '${first}' found.` });
        const showHistory = query.get('showHistory') === 'true';
        const history = showHistory
          ? historyForStatus(await store.getHistory(first), query.get('showHistoryOutput') === 'true')
          : undefined;
        const running = !TERMINAL_STATUSES.has(instance.runtimeStatus);
        const payload = statusPayload(instance, {
          showInput: query.get('showInput') !== 'false',
          ...(history && { history }),
        });
        const urls = managementUrls(options.baseUrl, options.taskHubName, first, options.requiredQueryStringParameters);
        return send(
          res,
          running ? 202 : 200,
          payload,
          running ? { location: urls.statusQueryGetUri, 'retry-after': '5' } : {},
        );
      }
      if (first && !second && method === 'DELETE') {
        // An entity's instance id (`@name@key`) purges the entity, as in the Azure Storage backend where
        // entities are instances (Azure/azure-functions-durable-extension#931).
        const deleted = ENTITY_INSTANCE_ID.test(first)
          ? await store.purgeEntity(first)
          : await store.purgeInstance(first);
        return send(res, deleted ? 200 : 404, { instancesDeleted: deleted ? 1 : 0 });
      }
      if (first && second === 'raiseEvent' && third && method === 'POST') {
        const input = jsonText(await readBody(req));
        return sendToInstance(
          first,
          historyEvent(EventType.EventRaised, new Date().toISOString(), { Name: third, Input: input }),
          res,
        );
      }
      if (first && method === 'POST' && (second === 'terminate' || second === 'suspend' || second === 'resume')) {
        const reason = query.get('reason') ?? '';
        const type =
          second === 'terminate'
            ? EventType.ExecutionTerminated
            : second === 'suspend'
              ? EventType.ExecutionSuspended
              : EventType.ExecutionResumed;
        return sendToInstance(
          first,
          historyEvent(type, new Date().toISOString(), { Input: JSON.stringify(reason), Reason: reason }),
          res,
        );
      }
      if (first && second === 'rewind' && method === 'POST')
        throw new HttpError(501, 'Rewind is not supported by devhost (it is deprecated in Durable Functions).');
      if (first && second === 'restart' && method === 'POST') {
        const instance = await store.getInstance(first);
        if (!instance) return send(res, 404, { message: `No instance with ID '${first}' found.` });
        const newId = query.get('restartWithNewInstanceId') === 'true' ? randomUUID().replaceAll('-', '') : first;
        const started = await startInstance(instance.name, newId, instance.input);
        return send(
          res,
          202,
          managementUrls(
            options.baseUrl,
            options.taskHubName,
            started.instanceId,
            options.requiredQueryStringParameters,
          ),
        );
      }
    }

    if (resource === 'entities' && first) {
      const key = second === '$' ? '' : second;
      if (key === undefined) {
        if (method === 'GET') {
          const all = (await store.listEntities()).filter(
            (e) => parseEntityId(e.entityId).name === first.toLowerCase(),
          );
          return send(
            res,
            200,
            all.map((e) => ({
              entityId: parseEntityId(e.entityId),
              lastOperationTime: e.lastModifiedTime,
              state: parseJson(e.state),
            })),
          );
        }
        throw new HttpError(400, 'An entity key is required.');
      }
      const entityId = schedulerIdOf(first, key);
      if (method === 'GET') {
        const entity = await store.getEntity(entityId);
        if (!entity?.exists) return send(res, 404, { message: `Entity '${entityId}' not found.` });
        return send(res, 200, parseJson(entity.state));
      }
      if (method === 'POST' || method === 'DELETE') {
        if (!functions.hasEntity(first)) throw new HttpError(400, `No entity function named '${first}' is registered.`);
        const operation = method === 'DELETE' ? 'delete' : (query.get('op') ?? '');
        const body = await readBody(req);
        const contentType = String(req.headers['content-type'] ?? '');
        const input = body === '' ? null : contentType.includes('json') ? jsonText(body) : JSON.stringify(body);
        await store.sendEntityRequests([{ id: randomUUID(), entityId, operation, input, isSignal: true }]);
        return send(res, 202);
      }
    }
    send(res, 404, { message: `No durable task API at '${url.pathname}'.` });
  }

  return { handle, startInstance };
}
