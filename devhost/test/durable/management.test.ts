// The durable management API and entities over HTTP, on the in-memory task hub.
import { defineManagementSuite } from './management-cases.ts';
import { DurableHarness } from './harness.ts';

defineManagementSuite((options) => DurableHarness.start(options));
