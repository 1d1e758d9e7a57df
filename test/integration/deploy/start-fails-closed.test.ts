// The compiled app on devhost, started as Azure would start it (a platform variable set) without its Azure
// settings: the appStart hook stops the start and names every missing setting, before any function runs.
import { startDevHost } from 'devhost';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../pipeline/harness.ts';

it('refuses to start in Azure without the Cosmos DB and storage settings, naming each', async () => {
  // Empty rather than unset, so that a developer's local.settings.json cannot fill them in (devhost, like the
  // host, never overrides a variable the environment has).
  for (const name of ['COSMOS_ENDPOINT', 'AZURE_CLIENT_ID', 'PUBLIC_BASE_URL', 'TASK_HUB_NAME']) process.env[name] = '';
  for (const name of ['blobServiceUri', 'queueServiceUri', 'accountName', 'credential', 'clientId'])
    process.env[`AzureWebJobsStorage__${name}`] = '';
  Object.assign(process.env, { WEBSITE_SITE_NAME: 'func-start-check', NIGHTLY_SCHEDULE: '0 0 2 * * *' });
  const started = startDevHost({ appDir: REPO_ROOT, port: 0, quiet: true, log: { info() {}, warn() {}, error() {} } });
  await expect(started).rejects.toThrow(/COSMOS_ENDPOINT: required in Azure/);
  const message = await started.catch((error: unknown) => String(error));
  for (const name of ['AZURE_CLIENT_ID', 'AzureWebJobsStorage__clientId', 'PUBLIC_BASE_URL', 'TASK_HUB_NAME'])
    expect(message).toContain(`${name}: required in Azure`);
  expect(message).toContain('AzureWebJobsStorage__blobServiceUri and AzureWebJobsStorage__queueServiceUri');
});
