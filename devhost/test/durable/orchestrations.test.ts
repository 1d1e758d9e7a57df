// Orchestration features end to end over HTTP, on the in-memory task hub.
import { defineOrchestrationSuite } from './orchestration-cases.ts';
import { DurableHarness } from './harness.ts';

defineOrchestrationSuite((options) => DurableHarness.start(options));
