// The management API and entities on the Azure Storage task hub (Azurite).
import { defineManagementSuite } from '../durable/management-cases.ts';
import { DurableHarness } from '../durable/harness.ts';
import { useAzurite } from './helpers.ts';

const azurite = useAzurite();
defineManagementSuite((options) =>
  DurableHarness.start(options, { store: 'azurite', storage: azurite.connectionString }),
);
