// infra/ against the code, on every npm test (no Bicep compiler exists here; README: Deploy lists the checks to
// run with one before a first deployment): every setting the app reads in Azure is set or deliberately left to
// its default, nothing local-only is set, every Cosmos container and storage container or queue the code uses
// is declared as the code declares it, every role the code needs is granted and nothing broader, local (key)
// auth is off wherever the service allows, and azd finds what the package script builds.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSettings, SETTINGS, settingsSchema } from '../../../src/config.ts';
import { schemaAt } from '../../../src/settings-table.ts';
import { STAGING_CONTAINER } from '../../../src/storage/blob-staging.ts';
import { UPLOADS_CONTAINER } from '../../../src/storage/uploads.ts';
import { SNAPSHOT_CONTAINER } from '../../../src/storage/snapshot-store.ts';
import { storageSettingsSchema } from '../../../src/storage/clients.ts';
import { CONTAINER_DEFINITIONS } from '../../../src/storage/cosmos.ts';
import { ALERTS_QUEUE, REVALUATION_QUEUE } from '../../../src/storage/queues.ts';
import { AZURE_ENV } from '../azure-env.ts';
import {
  blockAfter,
  objectEntries,
  params,
  readInfra,
  resource,
  resourceTypes,
  stringItems,
  variable,
} from './bicep-text.ts';

const repoFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const main = readInfra('main.bicep');
const api = readInfra('app/api.bicep');
const cosmos = readInfra('app/cosmos.bicep');
const storage = readInfra('app/storage.bicep');
const rbac = readInfra('app/rbac.bicep');
const monitoring = readInfra('app/monitoring.bicep');
const keyVault = readInfra('app/keyvault.bicep');
const allBicep = readdirSync(new URL('../../../infra/', import.meta.url), { recursive: true })
  .filter((f) => String(f).endsWith('.bicep'))
  .map((f) => readInfra(String(f)))
  .join('\n');

const appSettings = objectEntries(variable(api, 'appSettings'));
const authSettings = objectEntries(blockAfter(api, 'var authSettings = signInRequired'));
const rowByEnv = new Map(SETTINGS.map((row) => [row.env, row]));

/** Settings the host reads that the app does not (so they are not rows of the settings table). */
const HOST_ONLY = new Map([
  ['AzureWebJobsStorage__tableServiceUri', 'the durable task hub tables (Azure Storage provider)'],
  ['MICROSOFT_PROVIDER_AUTHENTICATION_SECRET', 'App Service Authentication (Entra ID), with sign-in on'],
  ['languageWorkers__node__arguments', "the Node worker's arguments: its heap limit"],
]);
/** Rows the Bicep leaves out although they have no default, and why. */
const LEFT_OUT = new Map([
  ['AzureWebJobsStorage__accountName', 'the blob and queue service URIs are set instead'],
  ['AVM_RATE_PER_SECOND', "unset: the vendor endpoint's adaptive limiter finds the rate it allows"],
  ['FRAUD_REVIEW_RATE_PER_SECOND', "unset: the reviewer's adaptive limiter finds the rate it allows"],
]);

function hasDefault(path: string): boolean {
  const defaults = settingsSchema.parse({});
  return (
    path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], defaults) !== undefined
  );
}

describe('app settings (infra/app/api.bicep)', () => {
  it('are the settings the app is tested with in Azure, and the app starts on them', () => {
    const { WEBSITE_INSTANCE_ID: _platform, ...env } = AZURE_ENV;
    expect([...appSettings.keys()].sort()).toEqual(Object.keys(env).sort());
    expect(loadSettings(AZURE_ENV).hosting).toBe('azure');
  });

  it('name only settings the app or its host reads', () => {
    for (const name of [...appSettings.keys(), ...authSettings.keys()])
      expect(rowByEnv.has(name) || HOST_ONLY.has(name), `${name} is read by nobody (a typo?)`).toBe(true);
  });

  it('set every setting Azure requires, and no key or connection string', () => {
    for (const row of SETTINGS) {
      if (row.inAzure === 'required') expect(appSettings.has(row.env), row.env).toBe(true);
      if (row.inAzure === 'forbidden') expect(appSettings.has(row.env), row.env).toBe(false);
    }
    expect(allBicep).not.toMatch(/listKeys\(|AccountKey=|primaryMasterKey|InstrumentationKey=/);
  });

  it('leave every other setting to a default the code declares', () => {
    for (const row of SETTINGS) {
      if (appSettings.has(row.env) || row.inAzure === 'forbidden') continue;
      expect(schemaAt(settingsSchema, row.path), row.env).toBeDefined();
      expect(hasDefault(row.path) || LEFT_OUT.has(row.env), `${row.env}: no default and not set in Azure`).toBe(true);
    }
  });

  it('set every %SETTING% a binding or host.json refers to', () => {
    const sources = readdirSync(new URL('../../../src/', import.meta.url), { recursive: true })
      .filter((f) => String(f).endsWith('.ts'))
      .map((f) => repoFile(`src/${String(f)}`));
    const referenced = new Set(
      [...sources, repoFile('host.json')].flatMap((text) => [...text.matchAll(/%([A-Za-z0-9_]+)%/g)].map((m) => m[1]!)),
    );
    expect([...referenced].sort()).toEqual(['NIGHTLY_SCHEDULE', 'TASK_HUB_NAME']);
    for (const name of referenced) expect(appSettings.has(name), name).toBe(true);
  });

  it("limit the Node worker's heap to the deployment's workerHeapMB, 450 MB unless it says otherwise", () => {
    expect(appSettings.get('languageWorkers__node__arguments')).toBe("'--max-old-space-size=${workerHeapMB}'");
    expect(params(main).find((p) => p.name === 'workerHeapMB')?.defaultValue).toBe('450');
  });

  it('hand out the Durable management URLs (the task hub’s system key) only when the deployment asks', () => {
    expect(appSettings.get('HAND_OUT_MANAGEMENT_URLS')).toBe("handOutManagementUrls ? 'true' : 'false'");
    expect(params(main).find((p) => p.name === 'handOutManagementUrls')?.defaultValue).toBe('false');
  });

  it('take the vendors’ keys from Key Vault, never from a value in the deployment', () => {
    for (const name of ['AVM_API_KEY', 'FRAUD_REVIEW_API_KEY', 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET']) {
      const value = appSettings.get(name) ?? authSettings.get(name)!;
      const text = /^\w+$/.test(value) ? variable(api, value) : value;
      expect(text, name).toMatch(/^'?@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=[a-z-]+\)/);
    }
    expect(allBicep).not.toMatch(/@secure\(\)/); // no secret passes through a deployment parameter
    expect(resource(api, 'app')).toContain('keyVaultReferenceIdentity: identityId');
  });

  it('use the identity for host storage, Cosmos DB and telemetry', () => {
    expect(appSettings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    for (const name of ['AzureWebJobsStorage__clientId', 'AZURE_CLIENT_ID'])
      expect(appSettings.get(name), name).toBe('identityClientId');
    expect(appSettings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe(
      "'ClientId=${identityClientId};Authorization=AAD'",
    );
  });

  it('open the API routes (HTTP_AUTH_LEVEL=anonymous) only behind required Entra ID sign-in', () => {
    expect(appSettings.get('HTTP_AUTH_LEVEL')).toBe("signInRequired ? 'anonymous' : 'function'");
    expect(api).toMatch(/^var signInRequired = !empty\(entraClientId\)$/m);
    const signIn = resource(api, 'signIn');
    expect(api).toMatch(/^resource signIn '[^']+' = if \(signInRequired\) \{$/m);
    expect(signIn).toContain('requireAuthentication: true');
    expect(signIn).not.toContain('excludedPaths');
  });

  it('leave the worker runtime to Flex Consumption: Node 22, as package.json says', () => {
    for (const name of ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE'])
      expect(appSettings.has(name), name).toBe(false);
    expect(resource(api, 'app')).toMatch(/runtime: \{ name: 'node', version: '22' \}/);
    expect((JSON.parse(repoFile('package.json')) as { engines: { node: string } }).engines.node).toBe('>=22');
  });
});

describe('Cosmos DB (infra/app/cosmos.bicep)', () => {
  const declared = (variable(cosmos, 'containers').match(/\{ name: /g) ?? []).length;
  const containers = variable(cosmos, 'containers')
    .split('\n')
    .map((line) => /\{ name: '(\w+)', partitionKey: '([^']+)', ttl: \{(?: defaultTtl: (-?\d+) )?\} \}/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ id: m[1]!, path: m[2]!, defaultTtl: m[3] === undefined ? undefined : Number(m[3]) }));

  it('declares every container the code uses, with its partition key and TTL', () => {
    expect(containers).toHaveLength(declared); // every entry read
    const fromCode = Object.values(CONTAINER_DEFINITIONS).map((d) => ({
      id: d.id,
      path: d.partitionKey.paths[0],
      defaultTtl: 'defaultTtl' in d ? d.defaultTtl : undefined,
    }));
    expect(containers.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      fromCode.sort((a, b) => a.id.localeCompare(b.id)),
    );
    for (const d of Object.values(CONTAINER_DEFINITIONS))
      expect(d.partitionKey).toMatchObject({ kind: 'Hash', version: 2 });
    const sqlContainers = resource(cosmos, 'sqlContainers');
    expect(sqlContainers).toContain("partitionKey: { paths: [container.partitionKey], kind: 'Hash', version: 2 }");
    expect(sqlContainers).toMatch(/\},\s*container\.ttl\s*\)/);
  });

  it('names the database the code defaults to', () => {
    const expected = `'${storageSettingsSchema.parse({}).cosmos.databaseId}'`;
    expect(params(main).find((p) => p.name === 'cosmosDatabaseName')?.defaultValue).toBe(expected);
    expect(appSettings.get('COSMOS_DATABASE')).toBe('cosmosDatabaseName');
  });

  it('turns local (key) auth off', () => {
    const account = resource(cosmos, 'account');
    expect(account).toContain('disableLocalAuth: true');
    expect(account).toContain('disableKeyBasedMetadataWriteAccess: true');
  });
});

describe('storage (infra/app/storage.bicep)', () => {
  it('declares the blob containers and the queues the code uses', () => {
    expect(stringItems(variable(storage, 'blobContainerNames')).sort()).toEqual(
      [STAGING_CONTAINER, UPLOADS_CONTAINER, SNAPSHOT_CONTAINER].sort(),
    );
    expect(stringItems(variable(storage, 'queueNames')).sort()).toEqual([ALERTS_QUEUE, REVALUATION_QUEUE].sort());
  });

  it('turns shared keys off and deploys the app with the identity', () => {
    expect(resource(storage, 'account')).toContain('allowSharedKeyAccess: false');
    expect(resource(storage, 'account')).toContain('allowBlobPublicAccess: false');
    expect(resource(api, 'app')).toContain(
      "authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }",
    );
    for (const policy of ['scmBasicAuth', 'ftpBasicAuth']) expect(resource(api, policy)).toContain('allow: false');
  });
});

describe('roles (infra/app/rbac.bicep)', () => {
  const roles = objectEntries(variable(rbac, 'roles'));
  const storageRoles = blockAfter(rbac, 'var storageRoles = ', '[');
  const manifest = JSON.parse(repoFile('package.json')) as { dependencies: Record<string, string> };
  const hostJson = JSON.parse(repoFile('host.json')) as {
    extensions: { durableTask: { storageProvider: { type?: string } } };
  };

  it('grant what the code uses, by the roles’ fixed ids', () => {
    // Built-in role ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    expect(Object.fromEntries([...roles].map(([k, v]) => [k, v.replaceAll("'", '')]))).toEqual({
      storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
      storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
      storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
      keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
      keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
      monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
    });
    const needed: string[] = [];
    // The host's own storage (leases, timers) and the app's staging blobs.
    if (manifest.dependencies['@azure/storage-blob']) needed.push('roles.storageBlobDataOwner');
    // The alerts queue and the revaluation queue trigger.
    if (manifest.dependencies['@azure/storage-queue']) needed.push('roles.storageQueueDataContributor');
    // The default durable storage provider (Azure Storage) keeps history and instances in tables.
    if (
      manifest.dependencies['durable-functions'] &&
      hostJson.extensions.durableTask.storageProvider.type === undefined
    )
      needed.push(
        'roles.storageTableDataContributor',
        'roles.storageQueueDataContributor',
        'roles.storageBlobDataOwner',
      );
    for (const role of needed) expect(storageRoles, role).toContain(role);
    expect(resource(rbac, 'storageAssignments')).toContain('scope: storage');
    expect(resource(rbac, 'secretsUser')).toContain('roles.keyVaultSecretsUser');
    expect(resource(rbac, 'secretsUser')).toContain('scope: vault');
    expect(resource(rbac, 'metricsPublisher')).toContain('roles.monitoringMetricsPublisher');
    expect(resource(rbac, 'metricsPublisher')).toContain('scope: insights');
  });

  it('give Cosmos DB data access on the app’s database only', () => {
    expect(manifest.dependencies['@azure/cosmos']).toBeDefined();
    expect(variable(rbac, 'cosmosDataContributor')).toBe('00000000-0000-0000-0000-000000000002');
    const assignment = resource(rbac, 'cosmosDataAccess');
    expect(resourceTypes(rbac).get('cosmosDataAccess')).toBe(
      'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments',
    );
    expect(assignment).toContain("scope: '${cosmos.id}/dbs/${cosmosDatabaseName}'");
    expect(assignment).toContain('principalId: principalId');
  });

  it('grant nothing broader: no Owner, Contributor or access administration, no subscription scope', () => {
    for (const broad of [
      '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', // Owner
      'b24988ac-6180-42a0-ab88-20f7382dd24c', // Contributor
      '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', // User Access Administrator
      '17d1049b-9a84-46fb-8f53-869881c3d3ab', // Storage Account Contributor
      '00000000-0000-0000-0000-000000000001', // Cosmos DB Built-in Data Reader (unused: the contributor covers reads)
    ])
      expect(allBicep).not.toContain(broad);
    const assignments = [...resourceTypes(allBicep)].filter(([, type]) => type.endsWith('/roleAssignments'));
    expect(assignments.length).toBeGreaterThan(0);
    for (const [name] of assignments) expect(resource(allBicep, name), name).toMatch(/\n\s+scope: \w+\n/);
  });
});

describe('monitoring and secrets', () => {
  it('accept telemetry with Entra ID only, and secrets by RBAC only', () => {
    expect(resource(monitoring, 'insights')).toContain('DisableLocalAuth: true');
    const vault = resource(keyVault, 'vault');
    expect(vault).toContain('enableRbacAuthorization: true');
    expect(vault).toContain('enablePurgeProtection: true');
  });
});

describe('host.json', () => {
  const host = JSON.parse(repoFile('host.json')) as {
    extensions: { durableTask: Record<string, unknown> };
    logging: { applicationInsights: { samplingSettings: { excludedTypes: string } } };
  };

  it('leaves extended sessions off', () => {
    // The Durable Functions performance guide documents extended sessions for .NET only; elsewhere they can
    // silently stop orchestrator and activity functions from running. (host.json itself cannot say so: the
    // Functions host ignores a host.json with comments, azure-functions-host#9583.)
    expect(host.extensions.durableTask).not.toHaveProperty('extendedSessionsEnabled');
    expect(host.extensions.durableTask).not.toHaveProperty('extendedSessionIdleTimeoutInSeconds');
  });

  it('never samples away the structured log lines (traces), the exceptions or the requests', () => {
    // One chunkAnalyzed line per chunk and one jobPhase line per phase are the job's account in Log Analytics:
    // a sampled trace would leave a hole in it.
    const { excludedTypes } = host.logging.applicationInsights.samplingSettings;
    expect(excludedTypes.split(';').sort()).toEqual(['Exception', 'Request', 'Trace']);
  });

  it('names the task hub by the setting the infrastructure sets', () => {
    expect(host.extensions.durableTask.hubName).toBe('%TASK_HUB_NAME%');
  });
});

describe('azd (azure.yaml, infra/main.parameters.json)', () => {
  const azureYaml = repoFile('azure.yaml');
  const mapped = (JSON.parse(readInfra('main.parameters.json')) as { parameters: Record<string, unknown> }).parameters;

  it('deploys the folder the package script stages, without a remote build', () => {
    const service = (key: string) => new RegExp(`^ {4}${key}: (.+)$`, 'm').exec(azureYaml)?.[1];
    expect(service('project')).toBe('.');
    expect(service('host')).toBe('function');
    expect(service('dist')).toBe('out/package');
    expect(service('remoteBuild')).toBe('false');
    // azd runs only `npm install` and `npm run build` for a TypeScript service: the hook stages the package.
    const prepackage = /^ {6}prepackage:\n((?: {8}.*\n)+)/m.exec(azureYaml)?.[1] ?? '';
    expect(prepackage.match(/^ {10}run: (.+)$/gm)).toEqual([
      '          run: npm run package',
      '          run: npm run package',
    ]);
    expect(repoFile('scripts/package.ts')).toContain("path.join(out, 'package')");
    expect((JSON.parse(repoFile('package.json')) as { scripts: Record<string, string> }).scripts.package).toContain(
      'scripts/package.ts',
    );
    // azd finds the app by this tag.
    expect(resource(api, 'app')).toContain("'azd-service-name': 'api'");
  });

  it('maps every parameter without a default, and only parameters that exist', () => {
    const declared = params(main);
    for (const p of declared.filter((p) => p.defaultValue === undefined)) expect(mapped, p.name).toHaveProperty(p.name);
    for (const name of Object.keys(mapped))
      expect(
        declared.map((p) => p.name),
        name,
      ).toContain(name);
  });

  it('passes every parameter a module declares without a default', () => {
    for (const [, module = '', file = ''] of main.matchAll(/^module (\w+) '([^']+)'/gm)) {
      const given = objectEntries(blockAfter(blockAfter(main, new RegExp(`^module ${module} '`, 'm')), 'params:'));
      for (const p of params(readInfra(file)).filter((p) => p.defaultValue === undefined))
        expect(given.has(p.name), `${module}.${p.name}`).toBe(true);
    }
  });
});
