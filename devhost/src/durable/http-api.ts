// The Durable Functions HTTP API (durable-protocol.md §5), answering as the extension's HttpApiHandler does:
// the same handler serves the public webhook paths behind statusQueryGetUri (/runtime/webhooks/durabletask/...)
// and the durable client's RPC endpoint (/durabletask/...). Status codes, bodies and checks follow
// HttpApiHandler.cs and ContextImplementations/DurableClient.cs: empty 404/410/202 bodies, errors as
// `{Message, ExceptionMessage, ExceptionType, StackTrace}`, 400 for a refused argument, 500 for anything else.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseEntityId, schedulerIdOf } from './entity-batch.ts';
import { EventType, historyEvent, type HistoryEvent } from './history.ts';
import type { DurableFunctionRunner } from './functions.ts';
import { historyView, parseToken } from './history-view.ts';
import { managementUrls, requiredQuery } from './management-urls.ts';
import {
  RUNTIME_STATUSES,
  TERMINAL_STATUSES,
  type InstanceQuery,
  type InstanceRecord,
  type RuntimeStatus,
  type TaskHubStore,
} from './store.ts';

export interface HttpApiOptions {
  store: TaskHubStore;
  functions: DurableFunctionRunner;
  /** The host's public origin, e.g. http://127.0.0.1:7071 */
  baseUrl: string;
  taskHubName: string;
  /** The extension's system key, when the host enforces keys (management URLs carry it). */
  systemKey?: string | undefined;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** DurableClient.MaxInstanceIdLength. */
const MAX_INSTANCE_ID_LENGTH = 256;
/** Statuses a new start may not replace (the default overridableExistingInstanceStates: NonRunningStates). */
const DEDUPE_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Running', 'Pending', 'ContinuedAsNew', 'Suspended']);
/** The floor of a start-and-wait polling interval, so `pollingInterval=0` does not spin. */
const MIN_POLL_MS = 10;
/** `@name@key`: the instance id of an entity (schedulerIdOf). */
const ENTITY_INSTANCE_ID = /^@[^@]+@/;

/** An ArgumentException of the extension: answered 400. */
class ArgumentError extends Error {
  override readonly name = 'System.ArgumentException';
}

/** An answer other than the default one of the handler at hand. */
class HttpAnswer extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body?: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return (async () => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new HttpAnswer(413, { Message: 'Request body too large.' });
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  })();
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body !== undefined && { 'content-type': 'application/json; charset=utf-8' }),
    ...headers,
  });
  res.end(text);
}

/** The extension's error body (HttpRequestMessageExtensions.CreateErrorResponse with an exception). */
function errorBody(message: string, error: Error, type = error.name): Record<string, unknown> {
  return { Message: message, ExceptionMessage: error.message, ExceptionType: type, StackTrace: null };
}

/** JSON text normalized, or an "Invalid JSON content" 400 (Newtonsoft's JsonReaderException). */
function jsonContent(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new HttpAnswer(400, errorBody('Invalid JSON content', error as Error, 'Newtonsoft.Json.JsonReaderException'));
  }
}

function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/** The instance as a status payload (StatusResponsePayload: every member present, null when empty). */
function statusPayload(instance: InstanceRecord, showInput: boolean, history: unknown[] | null = null) {
  return {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    input: showInput ? parseToken(instance.input) : null,
    customStatus: parseToken(instance.customStatus),
    output: parseToken(instance.output),
    createdTime: instance.createdTime.replace(/\.\d+Z$/, 'Z'),
    lastUpdatedTime: instance.lastUpdatedTime.replace(/\.\d+Z$/, 'Z'),
    historyEvents: history,
  };
}

/** The query string with the case-insensitive names the extension reads (GetQueryNameValuePairs). */
function queryOf(url: URL) {
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) if (!params.has(key.toLowerCase())) params.set(key.toLowerCase(), value);
  return {
    get: (name: string) => params.get(name.toLowerCase()),
    /** bool.TryParse: 'true'/'false' in any case, else the fallback. */
    bool(name: string, fallback: boolean): boolean {
      const value = params.get(name.toLowerCase())?.trim().toLowerCase();
      return value === 'true' ? true : value === 'false' ? false : fallback;
    },
    /** Seconds (double.TryParse) as milliseconds, or undefined. */
    seconds(name: string): number | undefined {
      const value = params.get(name.toLowerCase());
      if (value === undefined || value.trim() === '') return undefined;
      const seconds = Number(value);
      return Number.isFinite(seconds) ? seconds * 1000 : undefined;
    },
    /** DateTime.TryParse as an ISO string, or undefined. */
    date(name: string): string | undefined {
      const value = params.get(name.toLowerCase());
      const ms = value === undefined ? Number.NaN : Date.parse(value);
      return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
    },
    /** Enum.TryParse of each comma-separated value: unknown names are skipped. */
    statuses(name: string): RuntimeStatus[] | undefined {
      const found = (params.get(name.toLowerCase()) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s): s is RuntimeStatus => (RUNTIME_STATUSES as readonly string[]).includes(s));
      return found.length > 0 ? found : undefined;
    },
  };
}

type Query = ReturnType<typeof queryOf>;

export function createHttpApi(options: HttpApiOptions) {
  const { store, functions } = options;
  const required = requiredQuery(options.systemKey);
  const urlsOf = (instanceId: string) => managementUrls(options.baseUrl, options.taskHubName, instanceId, required);

  /** DurableClient.StartNewAsync: checks the name and id, refuses to replace a running instance. */
  async function startInstance(name: string, requestedId: string | undefined, input: string | null) {
    if (!functions.hasOrchestrator(name))
      throw new ArgumentError(
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: ${knownOrchestrators()}`,
      );
    const instanceId = requestedId || randomUUID().replaceAll('-', '');
    // (sic: the extension passes these messages as the parameter name)
    if (instanceId.startsWith('@'))
      throw new ArgumentError("instanceId (Parameter 'Orchestration instance ids must not start with @.')");
    // eslint-disable-next-line no-control-regex
    if (/[/\\?#\u0000-\u001f\u007f-\u009f]/.test(instanceId))
      throw new ArgumentError(
        "instanceId (Parameter 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.')",
      );
    if (instanceId.length > MAX_INSTANCE_ID_LENGTH)
      throw new ArgumentError(`Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`);
    const existing = await store.getInstance(instanceId);
    if (existing && DEDUPE_STATUSES.has(existing.runtimeStatus))
      throw Object.assign(
        new Error(`An Orchestration instance with the status ${existing.runtimeStatus} already exists.`),
        {
          name: 'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
        },
      );
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

  function knownOrchestrators(): string {
    const known = functions.names('orchestrator');
    return known.length > 0
      ? `The following are the known orchestrator functions: '${known.join("', '")}'.`
      : 'No orchestrator functions are currently registered!';
  }

  /** The async HTTP 202 answer with the management URLs (CreateCheckStatusResponseMessage). */
  function checkStatus(res: ServerResponse, instanceId: string): void {
    const { rewindPostUri: _rewind, ...urls } = urlsOf(instanceId);
    send(res, 202, urls, { location: urls.statusQueryGetUri, 'retry-after': '10' });
  }

  /** `timeout` and `pollingInterval` both given: wait as WaitForCompletionOrCreateCheckStatusResponseAsync. */
  async function startedResponse(res: ServerResponse, instanceId: string, query: Query): Promise<void> {
    const timeoutMs = query.seconds('timeout');
    const intervalMs = query.seconds('pollingInterval');
    if (timeoutMs === undefined || intervalMs === undefined) return checkStatus(res, instanceId);
    if (intervalMs > timeoutMs)
      throw new ArgumentError(
        `Total timeout ${timeoutMs / 1000} should be bigger than retry timeout ${intervalMs / 1000}`,
      );
    const began = Date.now();
    let instance: InstanceRecord | undefined;
    for (;;) {
      instance = await store.getInstance(instanceId);
      if (instance && TERMINAL_STATUSES.has(instance.runtimeStatus)) break;
      const elapsed = Date.now() - began;
      if (elapsed >= timeoutMs) break;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(MIN_POLL_MS, Math.min(intervalMs, timeoutMs - elapsed))),
      );
    }
    if (instance?.runtimeStatus === 'Completed') return send(res, 200, parseToken(instance.output));
    if (instance && TERMINAL_STATUSES.has(instance.runtimeStatus)) return send(res, 200, statusPayload(instance, true));
    checkStatus(res, instanceId);
  }

  async function getStatus(req: IncomingMessage, res: ServerResponse, instanceId: string, query: Query) {
    const instance = await store.getInstance(instanceId);
    if (!instance) return send(res, 404);
    const showInput = query.bool('showInput', true);
    const history =
      query.bool('showHistory', false) && instance.runtimeStatus !== 'Pending'
        ? historyView(await store.getHistory(instanceId), {
            showHistoryOutput: query.bool('showHistoryOutput', false),
            showInput,
          })
        : null;
    const payload = statusPayload(instance, showInput, history);
    if (!TERMINAL_STATUSES.has(instance.runtimeStatus))
      return send(res, 202, payload, {
        // The request's own URL, as the extension answers (request.RequestUri).
        location: new URL(req.url ?? '/', `http://${req.headers.host ?? new URL(options.baseUrl).host}`).href,
        'retry-after': '5',
      });
    const failed = instance.runtimeStatus === 'Failed' && query.bool('returnInternalServerErrorOnFailure', false);
    send(res, failed ? 500 : 200, payload);
  }

  async function listInstances(req: IncomingMessage, res: ServerResponse, query: Query) {
    const top = Number.parseInt(query.get('top') ?? '', 10);
    const condition: InstanceQuery = {
      createdTimeFrom: query.date('createdTimeFrom'),
      createdTimeTo: query.date('createdTimeTo'),
      runtimeStatus: query.statuses('runtimeStatus'),
      instanceIdPrefix: query.get('instanceIdPrefix'),
      top: Number.isFinite(top) && top > 0 ? top : undefined,
      continuationToken: (req.headers['x-ms-continuation-token'] as string | undefined) || undefined,
    };
    const page = await store.queryInstances(condition);
    const showInput = query.bool('showInput', true);
    send(
      res,
      200,
      page.instances.map((i) => statusPayload(i, showInput)),
      page.continuationToken ? { 'x-ms-continuation-token': page.continuationToken } : {},
    );
  }

  async function purgeByFilter(res: ServerResponse, query: Query) {
    const from = query.date('createdTimeFrom');
    if (!from) return send(res, 400, "Please provide value for 'createdTimeFrom' parameter.");
    const filter = {
      createdTimeFrom: from,
      createdTimeTo: query.date('createdTimeTo') ?? new Date().toISOString(),
      runtimeStatus: query.statuses('runtimeStatus'),
    };
    const ids: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await store.queryInstances({ ...filter, top: 1000, continuationToken });
      ids.push(...page.instances.map((i) => i.instanceId));
      continuationToken = page.continuationToken;
    } while (continuationToken);
    let deleted = 0;
    for (const id of ids) if (await store.purgeInstance(id)) deleted++;
    if (deleted === 0) return send(res, 404);
    send(res, 200, { instancesDeleted: deleted });
  }

  /** Terminate, suspend, resume, raise event: 404 unknown, 410 finished, else the message goes in (202). */
  async function sendToRunning(
    res: ServerResponse,
    instanceId: string,
    event: (instance: InstanceRecord) => HistoryEvent | Promise<HistoryEvent>,
  ): Promise<void> {
    const instance = await store.getInstance(instanceId);
    if (!instance) return send(res, 404);
    if (TERMINAL_STATUSES.has(instance.runtimeStatus)) return send(res, 410);
    await store.sendOrchestrationMessages([{ id: randomUUID(), instanceId, event: await event(instance) }]);
    send(res, 202);
  }

  async function instanceOperation(
    req: IncomingMessage,
    res: ServerResponse,
    instanceId: string,
    operation: string,
    query: Query,
  ): Promise<void> {
    const now = new Date().toISOString();
    const reason = query.get('reason') ?? '';
    const control = (
      type:
        typeof EventType.ExecutionTerminated | typeof EventType.ExecutionSuspended | typeof EventType.ExecutionResumed,
    ) => historyEvent(type, now, { Input: JSON.stringify(reason), Reason: reason });
    switch (operation.toLowerCase()) {
      case 'terminate':
        return sendToRunning(res, instanceId, () => control(EventType.ExecutionTerminated));
      case 'suspend':
        return sendToRunning(res, instanceId, (instance) => {
          if (instance.runtimeStatus === 'Suspended')
            throw new Error(
              `Cannot suspend the orchestration instance ${instanceId} because instance is in the Suspended state.`,
            );
          return control(EventType.ExecutionSuspended);
        });
      case 'resume':
        return sendToRunning(res, instanceId, (instance) => {
          if (instance.runtimeStatus !== 'Suspended')
            throw new Error(
              `Cannot resume the orchestration instance ${instanceId} because instance is in the ${instance.runtimeStatus} state.`,
            );
          return control(EventType.ExecutionResumed);
        });
      case 'rewind': {
        const instance = await store.getInstance(instanceId);
        if (!instance) return send(res, 404);
        if (['Completed', 'Terminated', 'Canceled'].includes(instance.runtimeStatus)) return send(res, 410);
        return send(res, 501, {
          Message: 'Rewind is not supported by devhost (it is deprecated in Durable Functions).',
        });
      }
      case 'restart': {
        const instance = await store.getInstance(instanceId);
        if (!instance)
          return send(
            res,
            400,
            errorBody(
              'InstanceId does not match a valid orchestration instance.',
              new ArgumentError(`An orchestrastion with the instanceId ${instanceId} was not found.`),
            ),
          );
        const newId = query.bool('restartWithNewInstanceId', true) ? undefined : instanceId;
        const restarted = await startInstance(instance.name, newId, instance.input);
        return startedResponse(res, restarted.instanceId, query);
      }
      default:
        return send(res, 404);
    }
  }

  async function raiseEvent(req: IncomingMessage, res: ServerResponse, instanceId: string, eventName: string) {
    return sendToRunning(res, instanceId, async () => {
      if (mediaType(req) !== 'application/json')
        throw new HttpAnswer(400, { Message: 'Only application/json request content is supported' });
      const input = jsonContent(await readBody(req));
      return historyEvent(EventType.EventRaised, new Date().toISOString(), { Name: eventName, Input: input });
    });
  }

  async function entities(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    key: string | undefined,
    query: Query,
  ) {
    const method = req.method ?? 'GET';
    if (method === 'GET' && key === undefined) {
      const fetchState = query.bool('fetchState', false);
      const all = (await store.listEntities()).filter((e) => parseEntityId(e.entityId).name === name.toLowerCase());
      return send(
        res,
        200,
        all.map((e) => ({
          entityId: parseEntityId(e.entityId),
          lastOperationTime: e.lastModifiedTime,
          ...(fetchState && { state: parseToken(e.state) }),
        })),
      );
    }
    const entityKey = key === '$' ? '' : (key ?? '');
    if (method === 'GET') {
      const entity = await store.getEntity(schedulerIdOf(name, entityKey));
      if (!entity?.exists) return send(res, 404);
      return send(res, 200, parseToken(entity.state));
    }
    if (method !== 'POST' && method !== 'DELETE') return send(res, 404);
    if (!functions.hasEntity(name))
      return send(res, 400, {
        Message: `The function '${name}' doesn't exist, is disabled, or is not an entity function. Additional info: The following are the known entity functions: '${functions.names('entity').join("', '")}'.`,
      });
    // eslint-disable-next-line no-control-regex
    if (/[/\\?#\u0000-\u001f\u007f-\u009f]/.test(entityKey))
      return send(res, 400, {
        Message: "entityKey (Parameter 'Entity keys must not contain /, \\, #, ?, or control characters.')",
      });
    const operation = method === 'DELETE' ? 'delete' : (query.get('op') ?? '');
    const body = await readBody(req);
    let input: string | null = null;
    if (body !== '') {
      if (mediaType(req) !== 'application/json') input = JSON.stringify(body);
      else {
        try {
          input = JSON.stringify(JSON.parse(body));
        } catch (error) {
          return send(res, 400, { Message: `Could not parse JSON content: ${(error as Error).message}` });
        }
      }
    }
    await store.sendEntityRequests([
      { id: randomUUID(), entityId: schedulerIdOf(name, entityKey), operation, input, isSignal: true },
    ]);
    send(res, 202);
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const url = new URL(path.startsWith('/') ? path : `/${path}`, 'http://devhost');
    // The host hands over the path after the prefix; the query string is read from the request itself.
    url.search = new URL(req.url ?? '/', 'http://devhost').search;
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    const query = queryOf(url);
    const method = req.method ?? 'GET';
    const [resource, first, second, third] = segments;
    // One task hub per host: any other hub a request names has nothing in it.
    const hub = query.get('taskHub');
    if (hub !== undefined && hub !== '' && hub.toLowerCase() !== options.taskHubName.toLowerCase())
      return send(res, 404);

    if (resource === 'orchestrators' && first !== undefined && segments.length <= 3) {
      if (method !== 'POST') return send(res, 404);
      const body = await readBody(req);
      const input = body.length > 0 ? jsonContent(body) : null;
      const instance = await startInstance(first, second, input);
      return startedResponse(res, instance.instanceId, query);
    }
    if (resource === 'entities' && segments.length <= 3) {
      if (first === undefined) return send(res, 404);
      return entities(req, res, first, second, query);
    }
    if (resource === 'instances') {
      if (first === undefined) {
        if (method === 'GET') return listInstances(req, res, query);
        if (method === 'DELETE') return purgeByFilter(res, query);
        return send(res, 404);
      }
      if (second === undefined) {
        if (method === 'GET') return getStatus(req, res, first, query);
        if (method === 'DELETE') {
          // An entity's instance id (`@name@key`) purges the entity, as in the Azure Storage backend where
          // entities are instances (Azure/azure-functions-durable-extension#931).
          if (ENTITY_INSTANCE_ID.test(first)) {
            if (!(await store.purgeEntity(first))) return send(res, 404);
            return send(res, 200, { instancesDeleted: 1 });
          }
          if (!(await store.getInstance(first))) return send(res, 404);
          await store.purgeInstance(first);
          return send(res, 200, { instancesDeleted: 1 });
        }
        return send(res, 404);
      }
      if (second === 'raiseEvent' && third !== undefined && segments.length === 4 && method === 'POST')
        return raiseEvent(req, res, first, third);
      if (third === undefined && method === 'POST') return instanceOperation(req, res, first, second, query);
    }
    send(res, 404);
  }

  /** Serves one request of the HTTP API (`path` is what follows the prefix). */
  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    try {
      await route(req, res, path);
    } catch (error) {
      if (error instanceof HttpAnswer) return send(res, error.status, error.body);
      const e = error instanceof Error ? error : new Error(String(error));
      if (e instanceof ArgumentError)
        return send(res, 400, errorBody('One or more of the arguments submitted is incorrect', e));
      send(res, 500, errorBody('Something went wrong while processing your request', e));
    }
  }

  return { handle };
}
