// devhost answers as Azure does (the cases of ../shared/cases/durable and their variants), on the Azure Storage
// task hub (Azurite).
import { defineAzureParitySuite } from '../durable/azure-parity-cases.ts';
import { useAzurite } from './helpers.ts';

const azurite = useAzurite();
defineAzureParitySuite(() => ({ store: 'azurite', storage: azurite.connectionString }));
