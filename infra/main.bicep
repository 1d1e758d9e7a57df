// Portfolio Analytics in Azure, as `azd up` provisions it (or `az deployment sub create`, README: Deploy).
//
// One resource group holding: a user-assigned managed identity (the app's only credential), a storage account
// for the Functions host, the durable task hub, chunk staging and queues (shared keys off), a serverless
// Cosmos DB account with the database and every container declared (local auth off), a Key Vault (RBAC) for
// the vendors' API keys, Log Analytics with Application Insights (identity-based ingestion, local auth off),
// and a Flex Consumption Function App (Node 22) that deploys from its storage with the identity.
// The identity gets data roles only, each scoped to its one resource (app/rbac.bicep).
//
// No Bicep compiler runs where this was written: before a first deployment run
//   az bicep build --file infra/main.bicep
//   azd provision --preview          (or: az deployment sub what-if -l LOCATION -f infra/main.bicep -p ...)
// test/unit/infra checks this template against the code (settings, containers, roles) on every npm test.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names and tags of every resource derive from it.')
param environmentName string

@minLength(1)
@description('Azure region of every resource (one that offers Flex Consumption).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Entra object id of the operator (user or group) who sets the vendor API keys: Key Vault Secrets Officer on this vault only. Empty: nobody.')
param operatorPrincipalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param operatorPrincipalType string = 'User'

@description('Cosmos DB database of the app (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'portfolio-analytics'

@description('Durable task hub name (TASK_HUB_NAME): 3-45 letters and digits, starting with a letter.')
param taskHubName string = 'PortfolioAnalytics'

@description('NCRONTAB schedule (6 fields, UTC) of the nightly revaluation (NIGHTLY_SCHEDULE).')
param nightlySchedule string = '0 0 2 * * *'

@description('Public base URL of the API as callers reach it (PUBLIC_BASE_URL), e.g. a custom domain; default the app\'s own https://<name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('Whether the analyze 202 hands out the Durable management URLs (HAND_OUT_MANAGEMENT_URLS). They carry the task hub\'s system key, which opens the Durable HTTP API on every instance: true only when every caller is trusted. README: Management URLs and keys.')
param handOutManagementUrls bool = false

@allowed(['simulated', 'http'])
@description('AVM provider: simulated (in-process) or http (the vendor at avmBaseUrl; its key in Key Vault as avm-api-key).')
param avmMode string = 'simulated'
param avmBaseUrl string = ''

@allowed(['simulated', 'http'])
@description('AI fraud review: simulated or http (the endpoint at fraudReviewBaseUrl; its key in Key Vault as fraud-review-api-key).')
param fraudReviewMode string = 'simulated'
param fraudReviewBaseUrl string = ''

@description('Most instances the app scales out to (Flex Consumption).')
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most MB of V8 heap (old space) the Node worker may use, as --max-old-space-size: V8 then collects before the host\'s memory grows past the garbage of a large submission. 450 keeps the host under 600 MB RSS with every tape read as a stream (docs/performance.md); keep it well under instanceMemoryMB.')
param workerHeapMB int = 450

@description('Client id of an Entra ID app registration: turns on App Service Authentication (sign-in required for the dashboard and the API, HTTP_AUTH_LEVEL=anonymous). Empty: off, every API call needs a function key. README: Dashboard, access.')
param entraClientId string = ''
@description('Tenant whose users may sign in.')
param entraTenantId string = subscription().tenantId
@description('The registration\'s client secret is in Key Vault as entra-client-secret; false: the registration issues ID tokens.')
param entraClientSecretInKeyVault bool = true

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-${resourceToken}'
// Flex Consumption reads the app's package from this blob container (app/storage.bicep declares it).
var deploymentContainerName = 'app-package-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.accountName
    cosmosDatabaseName: cosmosDatabaseName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  // The app starts as soon as it exists: its roles must be in place first.
  dependsOn: [rbac]
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmosDatabaseName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    taskHubName: taskHubName
    nightlySchedule: nightlySchedule
    publicBaseUrl: publicBaseUrl
    handOutManagementUrls: handOutManagementUrls
    avmMode: avmMode
    avmBaseUrl: avmBaseUrl
    fraudReviewMode: fraudReviewMode
    fraudReviewBaseUrl: fraudReviewBaseUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    workerHeapMB: workerHeapMB
    entraClientId: entraClientId
    entraTenantId: entraTenantId
    entraClientSecretInKeyVault: entraClientSecretInKeyVault
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output API_BASE_URL string = api.outputs.baseUrl
output DASHBOARD_URL string = api.outputs.dashboardUrl
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmosDatabaseName
output AZURE_CLIENT_ID string = identity.outputs.clientId
