// The local Cosmos DB server as its own process (the crash benchmark kills the app host, not the data):
//   node scripts/cosmos-server.ts  → prints `cosmos listening on http://127.0.0.1:PORT`
import { startCosmosServer } from './local-services.ts';

const cosmos = await startCosmosServer();
await cosmos.ready;
console.log(`cosmos listening on ${cosmos.endpoint}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cosmos.stop().then(() => process.exit(0)));
