// The local Cosmos DB server as its own process (the local stack supervises it; the crash benchmark kills
// the app host, not the data):
//   node scripts/cosmos-server.ts [--port N] [--data DIR] [--exit-with-parent]
// prints `cosmos listening on http://127.0.0.1:PORT` once it answers. With --data the documents are
// journaled to DIR (cosmos-journal.ts) and replayed at start; without it they live in memory.
// --exit-with-parent: stop when the process that started this one is gone, however it ended (kill -9
// included), so that no server outlives its stack.
import { parseArgs } from 'node:util';
import { startCosmosServer } from './local-services.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    data: { type: 'string' },
    'exit-with-parent': { type: 'boolean', default: false },
  },
});
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`--port must be a port number, got '${values.port}'`);
  process.exit(2);
}
const cosmos = await startCosmosServer({
  ...(port !== undefined && { port }),
  ...(values.data !== undefined && { dataDir: values.data }),
});
await cosmos.ready;
console.log(`cosmos listening on ${cosmos.endpoint}${values.data ? ` (documents in ${values.data})` : ''}`);
const stop = () => void cosmos.stop().then(() => process.exit(0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
if (values['exit-with-parent']) {
  const parent = process.ppid;
  // A child whose parent died is re-parented: its ppid changes.
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 250).unref();
}
