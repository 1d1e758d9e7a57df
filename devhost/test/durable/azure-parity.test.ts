// devhost answers as Azure does (the cases of ../shared/cases/durable and their variants), on the in-memory task hub.
import { defineAzureParitySuite } from './azure-parity-cases.ts';

defineAzureParitySuite(() => ({}));
