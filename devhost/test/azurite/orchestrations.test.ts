// The orchestration suite on the Azure Storage task hub (Azurite).
import { defineOrchestrationSuite } from '../durable/orchestration-cases.ts';
import { DurableHarness } from '../durable/harness.ts';
import { useAzurite } from './helpers.ts';

const azurite = useAzurite();
defineOrchestrationSuite((options) =>
  DurableHarness.start(options, { store: 'azurite', storage: azurite.connectionString }),
);
