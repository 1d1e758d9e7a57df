// The orchestration suite, shared by both task hub stores (memory: ./orchestrations.test.ts; Azure Storage:
// ../azurite/orchestrations.test.ts). The fixture app is an ordinary durable-functions v3 app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DurableEngineOptions } from '../../src/durable/engine.ts';
import { WAIT_MS, type DurableHarness } from './harness.ts';

export function defineOrchestrationSuite(start: (options?: DurableEngineOptions) => Promise<DurableHarness>): void {
  let h: DurableHarness;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h?.stop());

  describe('orchestrations', () => {
    it('runs a sequence of activities with custom status', async () => {
      const status = await h.run('helloSequence', ['Tokyo', 'Seattle']);
      expect(status).toMatchObject({
        name: 'helloSequence',
        runtimeStatus: 'Completed',
        output: ['Hello Tokyo', 'Hello Seattle'],
        customStatus: { step: 'done' },
        input: ['Tokyo', 'Seattle'],
      });
    });

    it('fans out 1,000 activities and fans in', async () => {
      const status = await h.run('fanOut', 1000);
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 1000 });
    });

    it('runs 200 orchestrations at once', async () => {
      const started = await Promise.all(Array.from({ length: 200 }, (_, i) => h.start('helloSequence', [`n${i}`])));
      const done = await Promise.all(started.map((s) => h.waitFor(s.id)));
      expect(
        done.every(
          (s, i) => s.runtimeStatus === 'Completed' && JSON.stringify(s.output) === JSON.stringify([`Hello n${i}`]),
        ),
      ).toBe(true);
    });

    it('retries a failing activity with timers between attempts', async () => {
      const status = await h.run('withRetry');
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: ['ok after 2', 'Hello after'] });
      const history = (await h.status(status.instanceId, '?showHistory=true'))?.historyEvents ?? [];
      expect(history.map((e) => e.EventType)).toEqual(
        expect.arrayContaining(['TaskFailed', 'TimerCreated', 'TimerFired', 'TaskCompleted']),
      );
    });

    it('runs sub-orchestrations with generated and explicit instance ids', async () => {
      const status = await h.run('parent', undefined, 'parent-1');
      expect(status.output).toEqual({ child: ['Hello A', 'Hello B'], explicit: ['Hello C'] });
      expect(await h.status('parent-1-child')).toMatchObject({ runtimeStatus: 'Completed', name: 'helloSequence' });
    });

    it('fails with the activity error, and lets the orchestrator catch it', async () => {
      const failed = await h.run('failing');
      expect(failed.runtimeStatus).toBe('Failed');
      expect(failed.output).toMatch(
        /^Orchestrator function 'failing' failed: Activity function 'boom' failed: activity exploded/,
      );
      expect((await h.run('catching')).output).toBe("caught: Activity function 'boom' failed: activity exploded ");
    });

    it('propagates a sub-orchestration failure to its parent', async () => {
      const status = await h.run('subWithFailure');
      expect(status).toMatchObject({ runtimeStatus: 'Completed' });
      expect(status.output).toMatch(/^child failed: .*activity exploded/);
    });

    it('fires durable timers', async () => {
      expect((await h.run('shortTimer')).output).toBe('fired');
    });

    it('delivers external events through sendEventPostUri, and Task.any picks the winner', async () => {
      const started = await h.start('waitForApproval');
      await h.waitFor(started.id, ['Running']);
      const response = await fetch(started.sendEventPostUri.replace('{eventName}', 'approve'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ by: 'ana' }),
      });
      expect(response.status).toBe(202);
      expect((await h.waitFor(started.id)).output).toBe('approved: {"by":"ana"}');
    });

    it('continues as new until done', async () => {
      expect((await h.run('eternal', 0)).output).toBe('done at 3');
    });

    it('detects nondeterminism and names the first mismatching action', async () => {
      const second = await h.start('changing');
      for (
        const end = Date.now() + WAIT_MS;
        Date.now() < end && (await h.status(second.id))?.customStatus !== 'first done';
      )
        await new Promise((resolve) => setTimeout(resolve, 10));
      await h.post('/api/toggle/b');
      await fetch(second.sendEventPostUri.replace('{eventName}', 'next'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      try {
        const status = await h.waitFor(second.id);
        expect(status.runtimeStatus).toBe('Failed');
        expect(status.output).toMatch(
          /Non-Deterministic workflow detected: the orchestrator now calls callActivity\('boom'\) as task 0, but the history has callActivity\('hello'\) there/,
        );
      } finally {
        await h.post('/api/toggle/a');
      }
    });
  });
}
