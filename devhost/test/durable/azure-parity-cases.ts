// devhost answers as Azure does: each case of ../shared/cases/durable/ (open-tasks-complete-early,
// suborchestration-failure-details, throw-non-error, retry-timeout-not-enforced, management-api,
// callhttp-unsupported) and variants of the same kinds, asserting the answer Azure gives (the case READMEs cite
// the source of each), plus the Azure pitfalls devhost warns about. Shared by both task hub stores (memory:
// ./azure-parity.test.ts; Azure Storage: ../azurite/azure-parity.test.ts). Slow work waits on gates the tests
// open over HTTP, so nothing here depends on timing.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevHostOptions } from '../../src/host.ts';
import { recordingLogger } from '../host/helpers.ts';
import { DurableHarness, WAIT_MS, type Status } from './harness.ts';

export const PARITY_APP = fileURLToPath(new URL('../fixtures/azure-parity-app', import.meta.url));

type Row = Record<string, unknown> & { EventType: string };

export function defineAzureParitySuite(hostOptions: () => Partial<DevHostOptions>): void {
  let h: DurableHarness;
  const log = recordingLogger();
  beforeAll(async () => {
    h = await DurableHarness.start(
      { httpPollMs: 1_000, historyWarningEvents: 40 },
      { appDir: PARITY_APP, log, ...hostOptions() },
    );
  });
  afterAll(() => h?.stop());

  const webhook = (path = '') => `${h.url}/runtime/webhooks/durabletask${path}`;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let unique = 0;
  const id = (name: string) => `${name}-${++unique}-${Date.now()}`;

  /** The warnings devhost logged about `instanceId` for pitfall `kind`. */
  const warnings = (kind: string, instanceId: string) =>
    log.lines.filter(
      (l) =>
        l.level === 'warn' && l.msg.includes(`[Azure pitfall: ${kind}]`) && l.msg.includes(`(instance ${instanceId})`),
    );

  async function waitForWarning(kind: string, instanceId: string): Promise<string> {
    for (const end = Date.now() + WAIT_MS; Date.now() < end && warnings(kind, instanceId).length === 0;)
      await sleep(25);
    const found = warnings(kind, instanceId)[0];
    if (!found) throw new Error(`no ${kind} warning for ${instanceId}`);
    return found.msg;
  }

  async function waitForGate(key: string, count = 1): Promise<void> {
    for (const end = Date.now() + WAIT_MS; Date.now() < end;) {
      const { waiting } = (await (await fetch(`${h.url}/api/gates/${key}`)).json()) as { waiting: number };
      if (waiting >= count) return;
      await sleep(25);
    }
    throw new Error(`gate ${key} never had ${count} waiting`);
  }

  const release = (key: string) => fetch(`${h.url}/api/gates/${key}/release`, { method: 'POST' });
  const raise = (started: { sendEventPostUri: string }, event: string, body = '{}') =>
    fetch(started.sendEventPostUri.replace('{eventName}', event), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  async function history(instanceId: string, query = '&showHistoryOutput=true'): Promise<Row[]> {
    const rows: unknown[] = (await h.status(instanceId, `?showHistory=true${query}`))?.historyEvents ?? [];
    return rows as Row[];
  }

  /** Starts `name` and waits until the task it holds open is waiting on gate `key`. */
  async function startHeld(name: string, input: unknown, key: string, instanceId = id(name)) {
    const started = await h.start(name, input, instanceId);
    await waitForGate(key);
    return started;
  }

  describe('open tasks keep an instance alive (case open-tasks-complete-early)', () => {
    it('anyCancel: the activity wins and the timer is cancelled, so it completes at once', async () => {
      const status = await h.run('anyCancel', undefined, id('anyCancel'));
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'activity won' });
      expect(warnings('completion-delayed', status.instanceId)).toEqual([]);
    });

    it('anyNoCancel: the activity wins, but the un-cancelled timer keeps it Running until it fires', async () => {
      const status = await h.run('anyNoCancel', undefined, id('anyNoCancel'));
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'activity won' });
      expect(await waitForWarning('completion-delayed', status.instanceId)).toMatch(/an un-cancelled timer/);
      const rows = await history(status.instanceId);
      const fired = rows.find((r) => r.EventType === 'TimerFired');
      const completed = rows.find((r) => r.EventType === 'ExecutionCompleted');
      expect(fired).toBeDefined();
      expect(rows.indexOf(completed!)).toBeGreaterThan(rows.indexOf(fired!));
      expect(Date.parse(String(completed!.Timestamp))).toBeGreaterThanOrEqual(Date.parse(String(fired!.FireAt)));
      expect(warnings('completion-delayed', status.instanceId)).toHaveLength(1);
    });

    it('anyTwoActivities: Running while the losing activity runs, Completed when it ends', async () => {
      const key = id('two');
      const started = await startHeld('anyTwoActivities', key, key);
      expect(await waitForWarning('completion-delayed', started.id)).toMatch(/activity 'gated'/);
      expect(await h.status(started.id)).toMatchObject({ runtimeStatus: 'Running', output: null });
      await release(key);
      expect(await h.waitFor(started.id)).toMatchObject({ runtimeStatus: 'Completed', output: 'fast won' });
    });

    it('allFailFast: a failure does not end the instance while another activity runs', async () => {
      const key = id('failfast');
      const started = await startHeld('allFailFast', key, key);
      await waitForWarning('completion-delayed', started.id);
      expect(await h.status(started.id)).toMatchObject({ runtimeStatus: 'Running', output: null });
      await release(key);
      const done = await h.waitFor(started.id);
      expect(done.runtimeStatus).toBe('Failed');
      expect(done.output).toMatch(
        /^Orchestrator function 'allFailFast' failed: Activity function 'failNow' failed: failed at once/,
      );
    });

    it('anyThenContinueAsNew (durable-js#577): continues as new once the un-cancelled timer has fired', async () => {
      const started = await h.start('anyThenContinueAsNew', undefined, id('can'));
      await h.waitFor(started.id, ['Running']);
      await raise(started, 'go');
      expect(await h.waitFor(started.id)).toMatchObject({ runtimeStatus: 'Completed', output: 'execution 1 reached' });
    });

    it('continue-as-new waits for an activity the event beat', async () => {
      const key = id('can-activity');
      const started = await startHeld('anyActivityThenContinueAsNew', { n: 0, key }, key);
      await raise(started, 'go');
      await waitForWarning('completion-delayed', started.id);
      expect(await h.status(started.id)).toMatchObject({ runtimeStatus: 'Running', input: { n: 0, key } });
      await release(key);
      expect(await h.waitFor(started.id)).toMatchObject({ runtimeStatus: 'Completed', output: 'execution 1 reached' });
    });

    it('a running sub-orchestration keeps its parent Running', async () => {
      const key = id('sub');
      const started = await startHeld('anySubOrchestration', key, key);
      expect(await waitForWarning('completion-delayed', started.id)).toMatch(/sub-orchestration 'gatedChild'/);
      expect(await h.status(started.id)).toMatchObject({ runtimeStatus: 'Running' });
      expect(await h.status(`${started.id}-child`)).toMatchObject({ runtimeStatus: 'Running' });
      await release(key);
      expect(await h.waitFor(started.id)).toMatchObject({ runtimeStatus: 'Completed', output: 'fast won' });
    });

    it('a pending external event is no task: the instance completes at once', async () => {
      const status = await h.run('anyEventOrActivity', undefined, id('event'));
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'fast won' });
      expect(warnings('completion-delayed', status.instanceId)).toEqual([]);
    });

    it('a throw while a loser runs fails the instance only when the loser ends', async () => {
      const key = id('throw-open');
      const started = await startHeld('throwWithRunningActivity', key, key);
      expect(await waitForWarning('completion-delayed', started.id)).toMatch(/failed, but/);
      expect(await h.status(started.id)).toMatchObject({ runtimeStatus: 'Running' });
      await release(key);
      expect(await h.waitFor(started.id)).toMatchObject({
        runtimeStatus: 'Failed',
        output: "Orchestrator function 'throwWithRunningActivity' failed: gave up early",
      });
    });
  });

  describe('failure shapes (cases suborchestration-failure-details, throw-non-error)', () => {
    it("a parent catches a failed child as Error('<Reason> \\n <Details>'), without failureDetails", async () => {
      const status = await h.run('parentCatches', undefined, id('catches'));
      const out = status.output as Record<
        string,
        { name: string; ctor: string; message: string; hasFailureDetails: boolean }
      >;
      expect(out.childThrows).toMatchObject({ name: 'Error', ctor: 'Error', hasFailureDetails: false });
      expect(out.childThrows!.message).toMatch(
        /^Orchestrator function 'childThrows' failed: child broke \n Message: child broke, StackTrace: /,
      );
      expect(out.childActivityFails).toMatchObject({ name: 'Error', hasFailureDetails: false });
      expect(out.childActivityFails!.message).toMatch(
        /^Orchestrator function 'childActivityFails' failed: Activity function 'boom' failed: activity broke \n/,
      );
    });

    it('an uncaught child failure becomes the parent’s reason, level by level', async () => {
      const parent = await h.run('parentUncaught', undefined, id('uncaught'));
      expect(parent.runtimeStatus).toBe('Failed');
      expect(parent.output).toMatch(
        /^Orchestrator function 'parentUncaught' failed: Orchestrator function 'childThrows' failed: child broke \n Message: child broke, StackTrace: /,
      );
      const grandparent = await h.run('grandparentUncaught', undefined, id('grand'));
      expect(grandparent.output).toMatch(
        /^Orchestrator function 'grandparentUncaught' failed: Orchestrator function 'parentUncaught' failed: Orchestrator function 'childThrows' failed: child broke/,
      );
    });

    it('an activity that throws a string or an object fails with the message the Node worker gives it; null is no error', async () => {
      const status = await h.run('catchesActivityThrows', undefined, id('activity-throws'));
      const out = status.output as Record<string, { name: string; message: string; hasFailureDetails: boolean }>;
      expect(out.throwsString).toMatchObject({ name: 'Error', hasFailureDetails: false });
      expect(out.throwsString!.message).toMatch(/^Activity function 'throwsString' failed: plain string \n /);
      expect(out.throwsObject).toMatchObject({ name: 'Error', hasFailureDetails: false });
      expect(out.throwsObject!.message).toMatch(/^Activity function 'throwsObject' failed: \{"code":42\} \n /);
      // The worker's isError: a thrown null or undefined is no error, so the activity completes without a result.
      expect(out.throwsNull).toBe('no error');
    });

    it('subRetryIds: a retried sub-orchestration without an id gets a child instance per attempt', async () => {
      const status = await h.run('subRetryIds', undefined, id('subretry'));
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'all attempts failed' });
      const rows = await history(status.instanceId);
      expect(rows.filter((r) => r.EventType === 'SubOrchestrationInstanceFailed')).toHaveLength(3);
      const all = (await (await fetch(webhook('/instances?top=1000'))).json()) as Status[];
      const children = all.filter((i) => i.name === 'childThrows').map((i) => i.instanceId);
      const byExecution = new Map<string, string[]>();
      for (const child of children) {
        const [execution, n] = child.split(':');
        byExecution.set(execution!, [...(byExecution.get(execution!) ?? []), n!]);
      }
      expect([...byExecution.values()].map((ns) => ns.sort().join(','))).toContain('0,2,4');
    });

    it('a retried sub-orchestration with an id restarts that one child', async () => {
      const status = await h.run('subRetryExplicitId', undefined, id('subretry-explicit'));
      expect(status.output).toBe('all attempts failed');
      expect(await h.status(`${status.instanceId}-child`)).toMatchObject({ runtimeStatus: 'Failed' });
      const rows = await history(status.instanceId);
      expect(rows.filter((r) => r.EventType === 'SubOrchestrationInstanceFailed')).toHaveLength(2);
    });

    it('an unknown activity fails the orchestration itself (the extension refuses the call)', async () => {
      const status = await h.run('callsMissingActivity', undefined, id('missing'));
      expect(status.runtimeStatus).toBe('Failed');
      expect(status.output).toMatch(
        /^Orchestrator function 'callsMissingActivity' failed: The function 'noSuchActivity' doesn't exist, is disabled, or is not an activity function\. Additional info: The following are the known activity functions: '.*'fast'/,
      );
    });

    it('throwError: an Error with a message fails the orchestration with it', async () => {
      expect(await h.run('throwError', undefined, id('throwError'))).toMatchObject({
        runtimeStatus: 'Failed',
        output: "Orchestrator function 'throwError' failed: a real error",
      });
    });

    for (const name of ['throwString', 'throwObject', 'throwEmptyMessage', 'throwNullLater'])
      it(`${name}: a throw without an error message leaves the instance Running, as in Azure, with one warning`, async () => {
        const started = await h.start(name, undefined, id(name));
        expect(await waitForWarning('non-error-thrown', started.id)).toMatch(/durable-js#390/);
        const status = await h.status(started.id);
        expect(status).toMatchObject({ runtimeStatus: 'Running', output: null });
        expect((await history(started.id)).map((r) => r.EventType)).not.toContain('ExecutionCompleted');
      });
  });

  describe('retries (case retry-timeout-not-enforced)', () => {
    const timerDelays = (rows: Row[]) =>
      rows
        .filter((r) => r.EventType === 'TimerCreated')
        .map((r) => Date.parse(String(r.FireAt)) - Date.parse(String(r.Timestamp)));

    it('retryBackoff: timers of 500 and 1000 ms, then the zero-delay timer; the catch gets the last error', async () => {
      const status = await h.run('retryBackoff', undefined, id('backoff'));
      expect(status.output).toEqual({ caught: "Activity function 'alwaysFails' failed: nope ", name: 'Error' });
      const rows = await history(status.instanceId);
      expect(timerDelays(rows)).toEqual([500, 1000, 0]);
      expect(rows.filter((r) => r.EventType === 'TaskFailed')).toHaveLength(3);
    });

    it('retryMaxInterval: back-off capped at the maximum interval', async () => {
      const status = await h.run('retryMaxInterval', undefined, id('maxinterval'));
      expect(status.output).toBe('caught');
      expect(timerDelays(await history(status.instanceId))).toEqual([200, 500, 0]);
    });

    it('retryTimeout: a failure after the retry timeout ends the retries without an error: Running, with one warning', async () => {
      const key = id('timeout');
      const started = await h.start('retryTimeout', key, key);
      await waitForGate(`${key}-2`);
      const firstAttempt = (await history(started.id)).find((r) => r.EventType === 'TaskFailed');
      const expires = Date.parse(String(firstAttempt!.ScheduledTime)) + 3_000;
      while (Date.now() <= expires + 50) await sleep(Math.max(10, expires + 60 - Date.now()));
      await release(`${key}-2`);
      expect(await waitForWarning('retry-abandoned', started.id)).toMatch(/retryTimeoutInMilliseconds \(3000 ms\)/);
      expect(await h.status(started.id)).toMatchObject({ runtimeStatus: 'Running', output: null });
      const rows = await history(started.id);
      expect(rows.filter((r) => r.EventType === 'TaskFailed')).toHaveLength(2);
      expect(timerDelays(rows)).toEqual([100]);
    });

    it('a retry timeout that is not reached changes nothing', async () => {
      expect((await h.run('retryTimeoutNotReached', undefined, id('notreached'))).output).toBe(
        "caught: Activity function 'alwaysFails' failed: nope ",
      );
    });
  });

  describe('the management API (case management-api)', () => {
    it('showHistory gives the merged history: completions carry FunctionName, ScheduledTime and Input', async () => {
      const status = await h.run('seq', { k: 1 }, id('seq'));
      const rows = await history(status.instanceId);
      expect(rows.map((r) => r.EventType)).toEqual([
        'ExecutionStarted',
        'TaskCompleted',
        'TaskCompleted',
        'ExecutionCompleted',
      ]);
      expect(rows[0]).toEqual({
        EventType: 'ExecutionStarted',
        Timestamp: expect.any(String) as unknown,
        FunctionName: 'seq',
        Input: '{"k":1}',
      });
      expect(rows[1]).toEqual({
        EventType: 'TaskCompleted',
        Timestamp: expect.any(String) as unknown,
        ScheduledTime: expect.any(String) as unknown,
        FunctionName: 'hello',
        Input: '"A"',
        Result: 'Hello A',
      });
      expect(rows[3]).toEqual({
        EventType: 'ExecutionCompleted',
        Timestamp: expect.any(String) as unknown,
        OrchestrationStatus: 'Completed',
        Result: ['Hello A', 'Hello B'],
      });
      const bare = await history(status.instanceId, '&showInput=false');
      expect(bare.every((r) => !('Result' in r) && !('Input' in r))).toBe(true);
    });

    it('returnInternalServerErrorOnFailure answers 500 for a Failed instance (200 without it)', async () => {
      const started = await h.start('fails', undefined, id('fails'));
      await h.waitFor(started.id);
      expect((await fetch(started.statusQueryGetUri)).status).toBe(200);
      expect((await fetch(`${started.statusQueryGetUri}&returnInternalServerErrorOnFailure=true`)).status).toBe(500);
    });

    it('start-and-wait honours timeout and pollingInterval', async () => {
      const done = await fetch(webhook('/orchestrators/seq?timeout=20&pollingInterval=0.05'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '"w"',
      });
      expect(done.status).toBe(200);
      expect(await done.json()).toEqual(['Hello A', 'Hello B']);
      const waiting = await fetch(webhook(`/orchestrators/waitEvent/${id('wait')}?timeout=0.2&pollingInterval=0.05`), {
        method: 'POST',
      });
      expect(waiting.status).toBe(202);
      expect(await waiting.json()).toMatchObject({ statusQueryGetUri: expect.any(String) as unknown });
      const refused = await fetch(webhook('/orchestrators/seq?timeout=1&pollingInterval=2'), { method: 'POST' });
      expect(refused.status).toBe(400);
    });

    it('terminates a waiting instance; a second terminate answers 410', async () => {
      const started = await h.start('waitTimer', undefined, id('timer'));
      await h.waitFor(started.id, ['Running']);
      expect((await fetch(started.terminatePostUri.replace('{text}', 'stop%20now'), { method: 'POST' })).status).toBe(
        202,
      );
      expect(await h.waitFor(started.id, ['Terminated'])).toMatchObject({ output: 'stop now' });
      const again = await fetch(started.terminatePostUri.replace('{text}', 'again'), { method: 'POST' });
      expect(again.status).toBe(410);
      expect(await again.text()).toBe('');
    });

    it('suspends and resumes; a suspended instance answers 202 with Location; resuming a running one fails', async () => {
      const started = await h.start('waitEvent', { e: 1 }, id('event'));
      await h.waitFor(started.id, ['Running']);
      expect((await fetch(started.resumePostUri.replace('{text}', 'x'), { method: 'POST' })).status).toBe(500);
      await fetch(started.suspendPostUri.replace('{text}', 'pause'), { method: 'POST' });
      await h.waitFor(started.id, ['Suspended']);
      const suspended = await fetch(started.statusQueryGetUri);
      expect(suspended.status).toBe(202);
      expect(suspended.headers.get('location')).toBeTruthy();
      await fetch(started.resumePostUri.replace('{text}', 'go'), { method: 'POST' });
      await h.waitFor(started.id, ['Running']);
    });

    it('lists instances with their input by default (client getStatusAll/getStatusBy and the HTTP API)', async () => {
      const started = await h.start('waitEvent', { e: 2 }, id('listed'));
      await h.waitFor(started.id, ['Running']);
      const list = (await (await fetch(`${h.url}/api/list`)).json()) as {
        all: Array<{ id: string; input: unknown }>;
        running: Array<{ id: string; input: unknown }>;
      };
      expect(list.all.find((i) => i.id === started.id)?.input).toEqual({ e: 2 });
      expect(list.running.find((i) => i.id === started.id)?.input).toEqual({ e: 2 });
      const api = (await (await fetch(webhook('/instances?runtimeStatus=Running&top=1000'))).json()) as Status[];
      expect(api.find((i) => i.instanceId === started.id)?.input).toEqual({ e: 2 });
      const without = (await (
        await fetch(webhook('/instances?runtimeStatus=Running&showInput=false'))
      ).json()) as Status[];
      expect(without.every((i) => i.input === null)).toBe(true);
    });

    it('refuses to start over a running instance (500, as the extension answers OrchestrationAlreadyExists)', async () => {
      const started = await h.start('waitEvent', { e: 3 }, id('dup'));
      await h.waitFor(started.id, ['Running']);
      const viaClient = (await (await h.post(`/api/startid/waitEvent/${started.id}`)).json()) as { ok: boolean };
      expect(viaClient.ok).toBe(false);
      const direct = await fetch(webhook(`/orchestrators/waitEvent/${started.id}`), { method: 'POST' });
      expect(direct.status).toBe(500);
      expect(await direct.json()).toMatchObject({
        Message: 'Something went wrong while processing your request',
        ExceptionMessage: expect.stringMatching(/already exists/) as unknown,
      });
    });

    it('purges a running instance, then answers 404', async () => {
      const started = await h.start('waitEvent', undefined, id('purge'));
      await h.waitFor(started.id, ['Running']);
      expect(await (await h.post(`/api/purge/${started.id}`)).json()).toEqual({ instancesDeleted: 1 });
      const gone = await fetch(started.statusQueryGetUri);
      expect(gone.status).toBe(404);
      expect(await gone.text()).toBe('');
    });

    it('raiseEvent takes application/json only, and only valid JSON', async () => {
      const started = await h.start('waitEvent', undefined, id('raise'));
      await h.waitFor(started.id, ['Running']);
      const url = started.sendEventPostUri.replace('{eventName}', 'x');
      const text = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '5' });
      expect(text.status).toBe(400);
      expect(await text.json()).toEqual({ Message: 'Only application/json request content is supported' });
      const invalid = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{x' });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ Message: 'Invalid JSON content' });
      expect(await h.status(started.id)).toMatchObject({ runtimeStatus: 'Running' });
      const ok = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: '5',
      });
      expect(ok.status).toBe(202);
      expect(await h.waitFor(started.id)).toMatchObject({ output: { got: 5 } });
      const unknown = await fetch(webhook('/instances/nobody/raiseEvent/x'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '1',
      });
      expect(unknown.status).toBe(404);
    });

    it('checks arguments as the extension does: names, ids, restart, filters, other task hubs', async () => {
      const unknown = await fetch(webhook('/orchestrators/noSuch'), { method: 'POST' });
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toMatchObject({
        Message: 'One or more of the arguments submitted is incorrect',
        ExceptionMessage: expect.stringMatching(/^The function 'noSuch' doesn't exist.*'seq'/) as unknown,
      });
      expect((await fetch(webhook('/orchestrators/seq/@bad'), { method: 'POST' })).status).toBe(400);
      expect((await fetch(webhook(`/orchestrators/seq/${'x'.repeat(257)}`), { method: 'POST' })).status).toBe(400);

      const first = await h.run('seq', undefined, id('restart'));
      const restarted = (await (
        await fetch(webhook(`/instances/${first.instanceId}/restart`), { method: 'POST' })
      ).json()) as { id: string };
      expect(restarted.id).not.toBe(first.instanceId);
      const same = (await (
        await fetch(webhook(`/instances/${first.instanceId}/restart?restartWithNewInstanceId=false`), {
          method: 'POST',
        })
      ).json()) as { id: string };
      expect(same.id).toBe(first.instanceId);
      expect((await fetch(webhook('/instances/nobody/restart'), { method: 'POST' })).status).toBe(400);

      expect((await fetch(webhook('/instances?runtimeStatus=NoSuchStatus'))).status).toBe(200);
      expect((await fetch(webhook('/instances'), { method: 'DELETE' })).status).toBe(400);
      expect((await fetch(webhook(`/instances/${first.instanceId}?taskHub=OtherHub`))).status).toBe(404);
    });
  });

  describe('durable HTTP calls at schema V3 (case callhttp-unsupported)', () => {
    it('statusSteps: custom status while running, kept after completion; 0 is dropped', async () => {
      const started = await h.start('statusSteps', undefined, id('steps'));
      const nextStatus = async (previous: unknown): Promise<unknown> => {
        for (const end = Date.now() + WAIT_MS; Date.now() < end;) {
          const status = await h.status(started.id);
          const custom = status?.customStatus ?? null;
          if (custom !== null && JSON.stringify(custom) !== JSON.stringify(previous)) return custom;
          await sleep(25);
        }
        throw new Error('the custom status did not change');
      };
      const first = await nextStatus(null);
      await raise(started, 'next');
      const second = await nextStatus(first);
      await raise(started, 'next');
      expect([first, second]).toEqual(['step1', { step: 2, items: [1, 2, 3] }]);
      expect(await h.waitFor(started.id)).toMatchObject({
        runtimeStatus: 'Completed',
        output: 'done',
        customStatus: { step: 2, items: [1, 2, 3] },
      });
    });

    it('useLock fails with the SDK’s schema V4 message (Azure advertises V3 too)', async () => {
      const status = await h.run('useLock', undefined, id('lock'));
      expect(status.runtimeStatus).toBe('Failed');
      expect(status.output).toMatch(/lock requires a Durable Functions extension that supports OOProc schema V4/);
    });

    it('useCallHttp: a GET answered 200', async () => {
      const status = await h.run('useCallHttp', { url: `${h.url}/api/ping` }, id('http'));
      expect(status.runtimeStatus).toBe('Completed');
      const output = status.output as { statusCode: number; content: string };
      expect(output.statusCode).toBe(200);
      expect(JSON.parse(output.content)).toMatchObject({ pong: true, method: 'GET' });
    });

    it('sends the method, body and headers asked for', async () => {
      const status = await h.run(
        'useCallHttp',
        { url: `${h.url}/api/ping`, method: 'POST', body: { a: 1 }, headers: { 'x-hello': 'hi' } },
        id('http-post'),
      );
      expect(JSON.parse((status.output as { content: string }).content)).toMatchObject({
        method: 'POST',
        body: '{"a":1}',
        hello: 'hi',
      });
    });

    it('polls a 202 Location after its Retry-After until the answer is final', async () => {
      const status = await h.run('useCallHttp', { url: `${h.url}/api/operations`, method: 'POST' }, id('poll'));
      expect(status.runtimeStatus).toBe('Completed');
      const output = status.output as { statusCode: number; content: string };
      expect(output.statusCode).toBe(200);
      expect(JSON.parse(output.content)).toMatchObject({ polls: 3 });
      const rows = await history(status.instanceId);
      expect(rows.filter((r) => r.EventType === 'TaskCompleted').map((r) => r.FunctionName)).toEqual([
        'BuiltIn::HttpActivity',
        'BuiltIn::HttpActivity',
        'BuiltIn::HttpActivity',
      ]);
      expect(
        rows
          .filter((r) => r.EventType === 'TimerCreated')
          .map((r) => Date.parse(String(r.FireAt)) - Date.parse(String(r.Timestamp))),
      ).toEqual([1000, 1000]);
    });

    it('with polling off, the 202 is the answer', async () => {
      const status = await h.run(
        'useCallHttp',
        { url: `${h.url}/api/operations`, method: 'POST', enablePolling: false },
        id('nopoll'),
      );
      expect((status.output as { statusCode: number }).statusCode).toBe(202);
    });

    it('a call that cannot connect fails the task, and the orchestrator can catch it', async () => {
      const status = await h.run('callHttpFails', 'http://127.0.0.1:1/', id('refused'));
      expect(status.runtimeStatus).toBe('Completed');
      expect((status.output as { caught: string }).caught).toMatch(/fetch failed|ECONNREFUSED/);
    });
  });

  describe('warnings for Azure pitfalls (one log line per instance)', () => {
    it('a running task yielded again in a new Task.any is scheduled again (durable-js#574)', async () => {
      const key = id('reyield');
      const started = await h.start('reyield', key, key);
      await waitForGate(key, 2); // the same activity, scheduled a second time
      expect(await waitForWarning('reyielded-task', started.id)).toMatch(/durable-js#574/);
      await release(key);
      expect(await h.waitFor(started.id)).toMatchObject({ runtimeStatus: 'Completed' });
      expect(warnings('reyielded-task', started.id)).toHaveLength(1);
    });

    it('a payload over the 45 KB queue message limit', async () => {
      const status = await h.run('largePayload', undefined, id('large'));
      expect(status.output).toBe(50 * 1024);
      expect(await waitForWarning('large-payload', status.instanceId)).toMatch(/the input of activity 'echo' is 50 KB/);
      expect(warnings('large-payload', status.instanceId)).toHaveLength(1);
    });

    it('a custom status over 16 KB fails the orchestration, as the extension refuses it', async () => {
      const status = await h.run('largeCustomStatus', undefined, id('status'));
      expect(status).toMatchObject({
        runtimeStatus: 'Failed',
        output:
          "Orchestrator function 'largeCustomStatus' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 18 KB.",
      });
      await waitForWarning('custom-status-size', status.instanceId);
    });

    it('a history past the warning length', async () => {
      const status = await h.run('longHistory', 15, id('history'));
      expect(status.output).toBe('done');
      expect(await waitForWarning('history-size', status.instanceId)).toMatch(/more than 40 events/);
      expect(warnings('history-size', status.instanceId)).toHaveLength(1);
    });
  });
}
