// The environment infra/app/api.bicep gives the app in Azure, with sample values: the settings tests start the
// app's settings on it, and test/unit/infra checks the Bicep sets exactly these names.

export const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

/** The app settings of infra/app/api.bicep (sign-in off), plus a variable the platform sets on every instance. */
export const AZURE_ENV: Record<string, string> = {
  WEBSITE_INSTANCE_ID: 'a1b2c3',
  AzureWebJobsStorage__credential: 'managedidentity',
  AzureWebJobsStorage__clientId: CLIENT_ID,
  AzureWebJobsStorage__blobServiceUri: 'https://stacct.blob.core.windows.net/',
  AzureWebJobsStorage__queueServiceUri: 'https://stacct.queue.core.windows.net/',
  AzureWebJobsStorage__tableServiceUri: 'https://stacct.table.core.windows.net/',
  AZURE_CLIENT_ID: CLIENT_ID,
  COSMOS_ENDPOINT: 'https://cosmos-acct.documents.azure.com:443/',
  COSMOS_DATABASE: 'portfolio-analytics',
  TASK_HUB_NAME: 'PortfolioAnalytics',
  NIGHTLY_SCHEDULE: '0 0 2 * * *',
  PUBLIC_BASE_URL: 'https://func-acct.azurewebsites.net',
  HAND_OUT_MANAGEMENT_URLS: 'false',
  AVM_MODE: 'simulated',
  AVM_BASE_URL: '',
  AVM_API_KEY: '@Microsoft.KeyVault(VaultName=kv-acct;SecretName=avm-api-key)',
  FRAUD_REVIEW_MODE: 'simulated',
  FRAUD_REVIEW_BASE_URL: '',
  FRAUD_REVIEW_API_KEY: '@Microsoft.KeyVault(VaultName=kv-acct;SecretName=fraud-review-api-key)',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${CLIENT_ID};Authorization=AAD`,
  HTTP_AUTH_LEVEL: 'function',
  languageWorkers__node__arguments: '--max-old-space-size=450',
};
