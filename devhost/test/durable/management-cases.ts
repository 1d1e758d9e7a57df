// The management API (statusQueryGetUri and friends) and entities, shared by both task hub stores (memory:
// ./management.test.ts; Azure Storage: ../azurite/management.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DurableEngineOptions } from '../../src/durable/engine.ts';
import { WAIT_MS, type DurableHarness } from './harness.ts';

/** Timer splitting shortened so a "long" timer takes a second, not six days. */
export const SHORT_TIMERS: DurableEngineOptions = {
  timers: {
    maximumShortTimerDuration: '0.00:00:00.400',
    maximumShortTimerMs: 400,
    longRunningTimerIntervalDuration: '0.00:00:00.200',
    longRunningTimerIntervalMs: 200,
  },
};

export function defineManagementSuite(start: (options?: DurableEngineOptions) => Promise<DurableHarness>): void {
  let h: DurableHarness;
  beforeAll(async () => {
    h = await start(SHORT_TIMERS);
  });
  afterAll(() => h?.stop());

  const webhook = () => `${h.url}/runtime/webhooks/durabletask`;

  describe('instance management', () => {
    it('terminates a running instance; raising an event afterwards answers 410', async () => {
      const started = await h.start('waitForApproval');
      await h.waitFor(started.id, ['Running']);
      expect(
        (await fetch(started.terminatePostUri.replace('{text}', 'no%20longer%20needed'), { method: 'POST' })).status,
      ).toBe(202);
      const status = await h.waitFor(started.id, ['Terminated']);
      expect(status.output).toBe('no longer needed');
      const late = await fetch(started.sendEventPostUri.replace('{eventName}', 'approve'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '1',
      });
      expect(late.status).toBe(410);
    });

    it('suspends and resumes: events wait while suspended', async () => {
      const started = await h.start('waitForApproval');
      await h.waitFor(started.id, ['Running']);
      await fetch(started.suspendPostUri.replace('{text}', 'pause'), { method: 'POST' });
      await h.waitFor(started.id, ['Suspended']);
      await fetch(started.sendEventPostUri.replace('{eventName}', 'approve'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '"later"',
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await h.status(started.id))?.runtimeStatus).toBe('Suspended');
      await fetch(started.resumePostUri.replace('{text}', 'go'), { method: 'POST' });
      expect((await h.waitFor(started.id)).output).toBe('approved: "later"');
    });

    it('refuses to start over a running instance id, and restarts a finished one', async () => {
      const first = await h.start('waitForApproval', undefined, 'fixed-id');
      await h.waitFor(first.id, ['Running']);
      const again = await h.post('/api/start/waitForApproval/fixed-id');
      expect(again.status).toBe(500); // the client library throws on the 409, so the starter fails
      await fetch(first.terminatePostUri.replace('{text}', 'x'), { method: 'POST' });
      await h.waitFor('fixed-id', ['Terminated']);
      const rerun = await h.run('helloSequence', ['again'], 'fixed-id');
      expect(rerun).toMatchObject({ name: 'helloSequence', runtimeStatus: 'Completed', output: ['Hello again'] });
    });

    it('lists instances by status and prefix in pages, and purges', async () => {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) => h.run('helloSequence', ['p'], `page-${String(i).padStart(2, '0')}`)),
      );
      const seen: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const response: Response = await fetch(
          `${webhook()}/instances/?instanceIdPrefix=page-&runtimeStatus=Completed&top=10`,
          { headers: token ? { 'x-ms-continuation-token': token } : {} },
        );
        const page = (await response.json()) as Array<{ instanceId: string; runtimeStatus: string }>;
        seen.push(...page.map((p) => p.instanceId));
        token = response.headers.get('x-ms-continuation-token');
        pages++;
      } while (token);
      expect(pages).toBe(3);
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
      const purge = await fetch(`${webhook()}/instances/page-00`, { method: 'DELETE' });
      expect(await purge.json()).toEqual({ instancesDeleted: 1 });
      expect(await h.status('page-00')).toBeUndefined();
      expect((await fetch(`${webhook()}/instances/page-00`, { method: 'DELETE' })).status).toBe(404);
    });

    it('shows history when asked', async () => {
      const done = await h.run('helloSequence', ['h']);
      const status = await h.status(done.instanceId, '?showHistory=true&showHistoryOutput=true');
      expect(status?.historyEvents?.map((e) => e.EventType)).toEqual([
        'ExecutionStarted',
        'TaskCompleted',
        'ExecutionCompleted',
      ]);
    });

    it('answers 404 for unknown instances and 400 for unknown orchestrators', async () => {
      expect(await h.status('nope')).toBeUndefined();
      const response = await fetch(`${webhook()}/orchestrators/noSuchOrchestrator`, { method: 'POST' });
      expect(response.status).toBe(400);
      expect((await fetch(`${webhook()}/instances/x/rewind`, { method: 'POST' })).status).toBe(404);
    });
  });

  describe('timers and limits', () => {
    it('splits a long timer into sub-timers and fires it at the final time', async () => {
      const status = await h.run('longTimer', 1000);
      const output = status.output as { after: string; firedAt: string; fireAt: string };
      expect(output.after).toBe('Hello after timer');
      expect(Date.parse(output.firedAt)).toBeGreaterThanOrEqual(Date.parse(output.fireAt));
      const history = (await h.status(status.instanceId, '?showHistory=true'))?.historyEvents ?? [];
      expect(history.filter((e) => e.EventType === 'TimerCreated').length).toBeGreaterThanOrEqual(3);
    });

    it('never runs more activities at once than maxConcurrentActivityFunctions (8)', async () => {
      const status = await h.run('concurrency', 40);
      expect(status.output).toBeLessThanOrEqual(8);
      expect(status.output).toBeGreaterThan(1);
    });
  });

  describe('entities', () => {
    it('calls and signals from orchestrations, keeping state across operations', async () => {
      expect((await h.run('counterUser', 'e1')).output).toEqual({ value: 15, got: 15 });
      expect((await h.run('counterUser', 'e1')).output).toEqual({ value: 30, got: 30 });
    });

    it('takes signals over HTTP in order, reads state, and deletes', async () => {
      for (let i = 1; i <= 5; i++)
        expect((await h.post(`/runtime/webhooks/durabletask/entities/counter/e2?op=add`, i)).status).toBe(202);
      let state: unknown;
      for (const end = Date.now() + WAIT_MS; Date.now() < end && state !== 15;) {
        const response = await fetch(`${webhook()}/entities/counter/e2`);
        state = response.status === 200 ? await response.json() : undefined;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(state).toBe(15);
      expect(await (await fetch(`${h.url}/api/entity/counter/e2`)).json()).toEqual({
        entityExists: true,
        entityState: 15,
      });
      await fetch(`${webhook()}/entities/counter/e2`, { method: 'DELETE' });
      let status = 200;
      for (const end = Date.now() + WAIT_MS; Date.now() < end && status === 200;) {
        status = (await fetch(`${webhook()}/entities/counter/e2`)).status;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(status).toBe(404);
    });

    it('purges an entity through its instance id, as the Azure Storage backend does', async () => {
      expect((await h.post(`/runtime/webhooks/durabletask/entities/counter/e4?op=add`, 7)).status).toBe(202);
      let status = 404;
      for (const end = Date.now() + WAIT_MS; Date.now() < end && status !== 200;) {
        status = (await fetch(`${webhook()}/entities/counter/e4`)).status;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(status).toBe(200);
      const purge = await fetch(`${webhook()}/instances/${encodeURIComponent('@counter@e4')}`, { method: 'DELETE' });
      expect(await purge.json()).toEqual({ instancesDeleted: 1 });
      expect((await fetch(`${webhook()}/entities/counter/e4`)).status).toBe(404);
      expect(
        (await fetch(`${webhook()}/instances/${encodeURIComponent('@counter@e4')}`, { method: 'DELETE' })).status,
      ).toBe(404);
    });

    it('delivers signals between entities', async () => {
      await h.run('signalChain', 'e3');
      let state: unknown;
      for (const end = Date.now() + WAIT_MS; Date.now() < end && state !== 3;) {
        const response = await fetch(`${webhook()}/entities/counter/e3`);
        state = response.status === 200 ? await response.json() : undefined;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(state).toBe(3);
    });
  });
}
