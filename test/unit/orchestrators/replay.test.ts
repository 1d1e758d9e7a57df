// Replay of recorded histories (scripts/record-histories.ts): for every execution of every orchestration of
// a few real jobs run on devhost — a job whose lanes continue as new and that runs a retry pass, a budget
// stop with waits and a partial grant followed by a redrive, a cancel — the history devhost handed the SDK
// is fed to the SDK's orchestrator (its test entry point) running the current code, which must answer
// exactly what was recorded: the same actions, output and custom status. A change that would break the
// replay of a running job (nondeterminism, a different order of calls) fails here.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as df from 'durable-functions';
import type { OrchestrationHandler } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { chunkLane } from '../../../src/orchestrators/chunk-lane.ts';
import { jobRun } from '../../../src/orchestrators/job-run.ts';
import { portfolioAnalysis } from '../../../src/orchestrators/portfolio-analysis.ts';
import { ORCHESTRATIONS } from '../../../src/workflow.ts';
import type { RecordedEpisode } from '../../../scripts/record-histories.ts';

/** The SDK's own orchestrator runner (what df.app.orchestration registers), from its testing utilities. */
const { createOrchestrator } = createRequire(import.meta.url)('durable-functions/lib/src/util/testingUtils.js') as {
  createOrchestrator: (fn: OrchestrationHandler) => (trigger: unknown, context: unknown) => Promise<unknown>;
};

const HANDLERS: Record<string, OrchestrationHandler> = {
  [ORCHESTRATIONS.portfolioAnalysis]: portfolioAnalysis,
  [ORCHESTRATIONS.jobRun]: jobRun,
  [ORCHESTRATIONS.chunkLane]: chunkLane,
};

const dir = new URL('./recorded/', import.meta.url);
const scenarios = readdirSync(dir).filter((f) => f.endsWith('.json'));

it('recorded lanes that continued as new (a generation per execution)', () => {
  const analysis = JSON.parse(readFileSync(new URL('analysis.json', dir), 'utf8')) as RecordedEpisode[];
  const executions = new Map<string, number>();
  for (const e of analysis) executions.set(e.instanceId, (executions.get(e.instanceId) ?? 0) + 1);
  expect(Math.max(...executions.values())).toBeGreaterThan(1);
});

describe.each(scenarios)('recorded %s', (file) => {
  const episodes = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as RecordedEpisode[];

  it('covers the root, the run and its lanes', () => {
    const names = new Set(episodes.map((e) => e.orchestrator));
    expect([...names].sort()).toEqual(Object.values(ORCHESTRATIONS).sort());
  });

  it.each(episodes.map((e, i) => [`${e.instanceId} #${i}`, e] as const))(
    '%s replays to the same answer',
    async (_, e) => {
      const handler = createOrchestrator(HANDLERS[e.orchestrator]!);
      const state = await handler(e.payload, new df.DummyOrchestrationContext(e.orchestrator, 'replay', () => {}));
      expect(JSON.parse(JSON.stringify(state))).toEqual(e.response);
    },
  );
});
