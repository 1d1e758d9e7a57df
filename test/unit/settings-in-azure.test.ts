// Settings that fail closed: local defaults apply on a developer's machine only; in Azure (a platform variable
// set) a missing Cosmos or storage setting, a key, or an unresolved Key Vault reference stops the start with a
// message naming the variable. Clients are built with keys for the emulators and the managed identity otherwise.
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config.ts';
import { hostingOf } from '../../src/hosting.ts';
import { ConfigurationError } from '../../src/settings-table.ts';
import {
  COSMOS_EMULATOR_KEY,
  createStorageClients,
  DEVELOPMENT_STORAGE_CONNECTION_STRING,
  loadStorageSettings,
  resolveStorageConnectionString,
} from '../../src/storage/clients.ts';
import { AZURE_ENV, CLIENT_ID } from './azure-env.ts';

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('where the app runs', () => {
  it('is Azure when the platform sets its variables, local otherwise', () => {
    expect(hostingOf({})).toBe('local');
    expect(hostingOf({ WEBSITE_INSTANCE_ID: 'x' })).toBe('azure');
    expect(hostingOf({ WEBSITE_SITE_NAME: 'func-1' })).toBe('azure');
    expect(hostingOf({ WEBSITE_INSTANCE_ID: ' ' })).toBe('local');
    // CI runners and dev containers set generic container variables: no sign of Azure.
    expect(hostingOf({ CONTAINER_NAME: 'runner-1' })).toBe('local');
  });
});

describe('locally', () => {
  it('defaults to the emulators and the host’s own URL', () => {
    const settings = loadSettings({ WEBSITE_HOSTNAME: '127.0.0.1:7071' });
    expect(settings.hosting).toBe('local');
    expect(settings.host.publicBaseUrl).toBe('http://127.0.0.1:7071');
    const clients = createStorageClients(settings.storage, 'local');
    try {
      expect(clients.blobs.url).toBe('http://127.0.0.1:10000/devstoreaccount1');
      expect(clients.queues.url).toBe('http://127.0.0.1:10001/devstoreaccount1');
      expect(clients.databaseId).toBe('portfolio-analytics');
      expect(clients.stagingContainer).toBe('portfolio-staging');
    } finally {
      clients.dispose();
    }
    expect(resolveStorageConnectionString(' usedevelopmentstorage=TRUE; ')).toBe(DEVELOPMENT_STORAGE_CONNECTION_STRING);
  });

  it('refuses an empty key instead of falling back to the emulator key', () => {
    expect(problemsOf({ COSMOS_KEY: '' })).toEqual([
      'COSMOS_KEY: is set but empty; give the value, or remove the setting',
    ]);
    expect(problemsOf({ AzureWebJobsStorage: ' ' })[0]).toMatch(/^AzureWebJobsStorage: is set but empty/);
  });

  it('reads STAGING_CONTAINER and names a bad one', () => {
    expect(loadStorageSettings({ STAGING_CONTAINER: 'staging-db1' }).stagingContainer).toBe('staging-db1');
    expect(problemsOf({ STAGING_CONTAINER: 'Staging_1' })[0]).toMatch(/^STAGING_CONTAINER: must be 3-63 lowercase/);
  });

  it('uses a configured public base URL over the host name', () => {
    const settings = loadSettings({ PUBLIC_BASE_URL: 'https://analytics.example.com', WEBSITE_HOSTNAME: 'x:1' });
    expect(settings.host.publicBaseUrl).toBe('https://analytics.example.com');
  });

  it('reads the identity-based storage connection as the host does', () => {
    const settings = loadStorageSettings({
      AzureWebJobsStorage__accountName: 'stacct',
      AzureWebJobsStorage__clientId: CLIENT_ID,
      COSMOS_ENDPOINT: 'https://cosmos-acct.documents.azure.com:443/',
    });
    const clients = createStorageClients(settings, 'local');
    try {
      expect(clients.blobs.url).toBe('https://stacct.blob.core.windows.net/');
      expect(clients.queues.url).toBe('https://stacct.queue.core.windows.net/');
    } finally {
      clients.dispose();
    }
  });
});

describe('in Azure', () => {
  it('starts with the settings the infrastructure gives it', () => {
    const settings = loadSettings(AZURE_ENV);
    expect(settings.hosting).toBe('azure');
    expect(settings.host.publicBaseUrl).toBe('https://func-acct.azurewebsites.net');
    const clients = createStorageClients(settings.storage, settings.hosting);
    try {
      expect(clients.blobs.url).toBe('https://stacct.blob.core.windows.net/');
      expect(clients.queues.url).toBe('https://stacct.queue.core.windows.net/');
      // Signed in with a token credential, no key or shared key anywhere.
      expect(clients.blobs.credential.constructor.name).not.toMatch(/SharedKey|Anonymous/);
    } finally {
      clients.dispose();
    }
  });

  it('names every missing setting instead of using a local default', () => {
    const problems = problemsOf({ WEBSITE_INSTANCE_ID: 'a1b2c3' });
    for (const name of [
      'COSMOS_ENDPOINT',
      'AZURE_CLIENT_ID',
      'AzureWebJobsStorage__credential',
      'AzureWebJobsStorage__clientId',
      'TASK_HUB_NAME',
      'NIGHTLY_SCHEDULE',
      'PUBLIC_BASE_URL',
      'HAND_OUT_MANAGEMENT_URLS',
    ])
      expect(
        problems.some((p) => p.startsWith(`${name}: required in Azure`)),
        name,
      ).toBe(true);
    expect(problems.some((p) => p.startsWith('AzureWebJobsStorage__blobServiceUri and'))).toBe(true);
  });

  it.each([
    ['COSMOS_ENDPOINT', /^COSMOS_ENDPOINT: required in Azure/],
    ['AzureWebJobsStorage__blobServiceUri', /^AzureWebJobsStorage__blobServiceUri and .*queueServiceUri/],
    ['PUBLIC_BASE_URL', /^PUBLIC_BASE_URL: required in Azure/],
  ])('stops without %s', (name, message) => {
    const problems = problemsOf({ ...AZURE_ENV, [name]: undefined });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('refuses keys and connection strings, and a local endpoint', () => {
    const problems = problemsOf({
      ...AZURE_ENV,
      COSMOS_KEY: COSMOS_EMULATOR_KEY,
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      COSMOS_ENDPOINT: 'http://127.0.0.1:8081',
    });
    expect(problems.some((p) => p.startsWith('COSMOS_KEY: refused in Azure'))).toBe(true);
    expect(problems.some((p) => p.startsWith('AzureWebJobsStorage: refused in Azure'))).toBe(true);
    expect(problems.some((p) => p.startsWith('COSMOS_ENDPOINT: must be the account'))).toBe(true);
    expect(problems.join('\n')).not.toContain(COSMOS_EMULATOR_KEY);
  });

  it('refuses the chaos switches, whatever their value', () => {
    const problems = problemsOf({
      ...AZURE_ENV,
      CHAOS_FAIL_FIRST_CHUNK_ATTEMPT: 'false',
      CHAOS_FAULT_AFTER_VALUATION_RATE: '0.1',
      CHAOS_EXIT_AFTER_SUBMIT_STEP: 'start',
    });
    expect(problems).toEqual(
      ['CHAOS_FAIL_FIRST_CHUNK_ATTEMPT', 'CHAOS_FAULT_AFTER_VALUATION_RATE', 'CHAOS_EXIT_AFTER_SUBMIT_STEP'].map(
        (name) => `${name}: refused in Azure: chaos testing only, it breaks jobs on purpose; remove the setting`,
      ),
    );
    // Locally they are what the chaos tests use.
    expect(loadSettings({ CHAOS_FAULT_AFTER_VALUATION_RATE: '0.1' }).pipeline.chaosFaultAfterValuationRate).toBe(0.1);
  });

  it('refuses an unresolved Key Vault reference when the key is needed', () => {
    const problems = problemsOf({ ...AZURE_ENV, AVM_MODE: 'http', AVM_BASE_URL: 'https://avm.example.com' });
    expect(problems).toEqual([
      "AVM_API_KEY: is an unresolved Key Vault reference: set the secret in the app's Key Vault (README: Deploy) and restart the app",
    ]);
    // Resolved, the key is taken as is.
    const settings = loadSettings({
      ...AZURE_ENV,
      AVM_MODE: 'http',
      AVM_BASE_URL: 'https://avm.example.com',
      AVM_API_KEY: 'vendor-key',
    });
    expect(settings.avm.apiKey).toBe('vendor-key');
  });
});
