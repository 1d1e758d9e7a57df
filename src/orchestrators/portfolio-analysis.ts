// portfolioAnalysis: the root of a job (instance id = jobId, the instance the API's statusQueryGetUri
// names). It runs the job as one child, jobRun (see job-run.ts for why a child), and ends with its outcome.
// Its history is a handful of events whatever the portfolio weighs. Deterministic: no I/O, no clock.
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { ORCHESTRATIONS, runInstanceId, type JobRunOutput, type PortfolioAnalysisInput } from '../workflow.ts';

export const portfolioAnalysis: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<PortfolioAnalysisInput>();
  const run = runInstanceId(input.job.jobId, input.run);
  context.df.setCustomStatus({ phase: 'running', run });
  const output = (yield context.df.callSubOrchestrator(ORCHESTRATIONS.jobRun, input, run)) as JobRunOutput;
  context.df.setCustomStatus({ phase: 'done', run, ...output });
  return output;
};
