// Replay of recorded histories (scripts/record-histories.ts): for every execution of every orchestration of
// a few real jobs run on devhost — a job whose lanes continue as new and that runs a retry pass, a budget
// stop with waits and a partial grant followed by a redrive, a budget stop followed by a redrive of the failed
// properties (it ends budget_exceeded again) and one of those left, a cancel, tapes by reference read by the root
// after the 202 (one analysed, one invalid and one over budget, both rejected) — the history devhost handed the SDK
// is fed to the SDK's orchestrator (its test entry point, test/unit/durable-sdk.ts) running the current code,
// which must answer exactly what was recorded: the same actions, output and custom status. A change that
// would break the replay of a running job (nondeterminism, a different order of calls) fails here.
import { readFileSync, readdirSync } from 'node:fs';
import type { OrchestrationHandler } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { chunkLane } from '../../../src/orchestrators/chunk-lane.ts';
import { jobRun } from '../../../src/orchestrators/job-run.ts';
import { portfolioAnalysis } from '../../../src/orchestrators/portfolio-analysis.ts';
import { ACTIVITIES, ORCHESTRATIONS } from '../../../src/workflow.ts';
import type { RecordedEpisode } from '../../../scripts/record-histories.ts';
import { runOrchestrator } from '../durable-sdk.ts';

const HANDLERS: Record<string, OrchestrationHandler> = {
  [ORCHESTRATIONS.portfolioAnalysis]: portfolioAnalysis,
  [ORCHESTRATIONS.jobRun]: jobRun,
  [ORCHESTRATIONS.chunkLane]: chunkLane,
};

const dir = new URL('./recorded/', import.meta.url);
const scenarios = readdirSync(dir).filter((f) => f.endsWith('.json'));
const episodesOf = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as RecordedEpisode[];
/** The SDK's answer as the host receives it (JSON), to compare with the recorded one. */
const replayed = async (handler: OrchestrationHandler, e: RecordedEpisode) =>
  JSON.parse(JSON.stringify(await runOrchestrator(handler, e.payload))) as Record<string, unknown>;

it('recorded lanes that continued as new (a generation per execution)', () => {
  const executions = new Map<string, number>();
  for (const e of episodesOf('analysis.json')) executions.set(e.instanceId, (executions.get(e.instanceId) ?? 0) + 1);
  expect(Math.max(...executions.values())).toBeGreaterThan(1);
});

it('recorded roots that read their tape (readTape) and ended rejected before any run (endBeforeRun)', () => {
  const actions = JSON.stringify(
    episodesOf('by-reference.json')
      .filter((e) => e.orchestrator === ORCHESTRATIONS.portfolioAnalysis)
      .map((e) => e.response),
  );
  for (const activity of [ACTIVITIES.readTape, ACTIVITIES.endBeforeRun])
    expect(actions).toContain(`"functionName":"${activity}"`);
  expect(actions).toContain('"status":"rejected"');
});

describe.each(scenarios)('recorded %s', (file) => {
  const episodes = episodesOf(file);

  it('covers the root, the run and its lanes', () => {
    const names = new Set(episodes.map((e) => e.orchestrator));
    expect([...names].sort()).toEqual(Object.values(ORCHESTRATIONS).sort());
  });

  it.each(episodes.map((e, i) => [`${e.instanceId} #${i}`, e] as const))(
    '%s replays to the same answer',
    async (_, e) => {
      expect(await replayed(HANDLERS[e.orchestrator]!, e)).toEqual(e.response);
    },
  );
});

it('fails an orchestrator that asks for one more step first (the check can fail)', async () => {
  const e = episodesOf('analysis.json').find((r) => r.orchestrator === ORCHESTRATIONS.portfolioAnalysis)!;
  const withAuditStep: OrchestrationHandler = function* (context) {
    yield context.df.callActivity('auditJob', null);
    return yield* portfolioAnalysis(context);
  };
  const answer = await replayed(withAuditStep, e);
  expect(answer).not.toEqual(e.response);
  expect(JSON.stringify(answer.actions)).toContain('"functionName":"auditJob"');
});

it("fails a run whose report failed every attempt with the report's cause and how to get the report", async () => {
  const run = episodesOf('analysis.json').find((e) => e.orchestrator === ORCHESTRATIONS.jobRun)!;
  const history = run.payload.history as Array<Record<string, unknown>>;
  const completed = history.at(-1)!;
  const scheduled = history.findLast((event) => event.EventType === 4)!;
  expect([scheduled.Name, completed.EventType]).toEqual([ACTIVITIES.aggregateReport, 5]); // TaskCompleted
  // The same history, but each of the report's three attempts failed: the SDK retries it after a timer.
  const at = completed.Timestamp;
  const failedAttempt = (id: number) => ({
    EventType: 6, // TaskFailed
    EventId: -1,
    IsPlayed: false,
    Timestamp: at,
    TaskScheduledId: id,
    Reason: 'Activity function aggregateReport failed: Request timed out.',
    Details: 'TimeoutError: Request timed out.',
  });
  // After each failure the SDK waits on the retry timer; after the last one too, before it gives up.
  const timer = (id: number) => [
    { EventType: 10, EventId: id, IsPlayed: false, Timestamp: at, FireAt: at }, // TimerCreated
    { EventType: 11, EventId: -1, IsPlayed: false, Timestamp: at, TimerId: id, FireAt: at }, // TimerFired
  ];
  const attempt = (id: number) => [{ ...scheduled, EventId: id, IsPlayed: false }, failedAttempt(id)];
  const first = scheduled.EventId as number;
  const payload = {
    ...run.payload,
    history: [
      ...history.slice(0, -1),
      failedAttempt(first),
      ...timer(first + 1),
      ...attempt(first + 2),
      ...timer(first + 3),
      ...attempt(first + 4),
      ...timer(first + 5),
    ],
  };
  // A failed orchestrator makes the SDK throw, with the state it answers the host in the message.
  const thrown = await replayed(jobRun, { ...run, payload }).then(
    () => '',
    (error: unknown) => (error instanceof Error ? error.message : ''),
  );
  const marker = '$OutOfProcData$:';
  expect(thrown).toContain(marker);
  const state = JSON.parse(thrown.slice(thrown.indexOf(marker) + marker.length)) as { error?: string };
  const jobId = run.instanceId.replace(/:run$/, '');
  // The cause's first line only: the failure details carry the activity's stack.
  expect(state.error).toBe(
    `The run stored its 240 results and reached its end (completed), but its report could not be written (Activity function aggregateReport failed: Request timed out.). Redrive the job (POST /api/portfolio/jobs/${jobId}/redrive) to write it: the answers already bought are reused, not bought again.`,
  );
});
