// The Function App: Flex Consumption, Node 22, running as the user-assigned identity. It deploys from its
// blob container with that identity, reaches storage, Cosmos DB and Application Insights with it, and reads
// the vendors' keys through Key Vault references with it. No key or connection string is in its settings.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param cosmosEndpoint string
param cosmosDatabaseName string
param keyVaultName string
param applicationInsightsName string
param taskHubName string
param nightlySchedule string
param publicBaseUrl string
param handOutManagementUrls bool
param avmMode string
param avmBaseUrl string
param fraudReviewMode string
param fraudReviewBaseUrl string
param maximumInstanceCount int
param instanceMemoryMB int
param workerHeapMB int

// App Service Authentication (Easy Auth) with Entra ID, on when entraClientId is given (README: Dashboard,
// access): every request signs in first, the dashboard's and the API's; browsers are sent to the login page,
// the dashboard's own calls (X-Requested-With) get 401 instead, API clients send a bearer token for
// api://{entraClientId}. Behind required sign-in no unauthenticated call reaches the app, so its routes run
// with HTTP_AUTH_LEVEL=anonymous; without sign-in they keep asking for function keys.
@description('Client id of the Entra ID app registration; empty: no sign-in, function keys.')
param entraClientId string = ''
@description('Tenant whose users may sign in.')
param entraTenantId string = subscription().tenantId
@description('The registration\'s client secret is in Key Vault as entra-client-secret (authorization-code sign-in); false: the registration issues ID tokens instead.')
param entraClientSecretInKeyVault bool = true

var signInRequired = !empty(entraClientId)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'node', version: '22' }
    }
  }
}

// Deployments sign in with Entra ID (azd and the Azure CLI do); publishing user names and passwords are off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

// Key Vault references resolve with keyVaultReferenceIdentity; an unresolved one reaches the app as the literal
// reference text, which the app refuses at start when the key is needed (src/config.ts).
var avmApiKeyReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=avm-api-key)'
var fraudReviewApiKeyReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=fraud-review-api-key)'

// Every setting the app and its host read in Azure (README: Configuration). The rest keep their defaults.
var appSettings = {
  // The host's own storage and the app's blob and queue clients, by identity (no connection string).
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  // The app's Cosmos DB client, by identity.
  AZURE_CLIENT_ID: identityClientId
  COSMOS_ENDPOINT: cosmosEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  // Read by name by the task hub (host.json) and the nightly timer: they must exist.
  TASK_HUB_NAME: taskHubName
  NIGHTLY_SCHEDULE: nightlySchedule
  PUBLIC_BASE_URL: !empty(publicBaseUrl) ? publicBaseUrl : 'https://${app.properties.defaultHostName}'
  // Said explicitly (the app requires it in Azure): the management URLs carry the task hub's system key.
  HAND_OUT_MANAGEMENT_URLS: handOutManagementUrls ? 'true' : 'false'
  // Providers; their keys from Key Vault.
  AVM_MODE: avmMode
  AVM_BASE_URL: avmBaseUrl
  AVM_API_KEY: avmApiKeyReference
  FRAUD_REVIEW_MODE: fraudReviewMode
  FRAUD_REVIEW_BASE_URL: fraudReviewBaseUrl
  FRAUD_REVIEW_API_KEY: fraudReviewApiKeyReference
  // Telemetry with Entra ID ingestion (the component's local auth is off).
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // Anonymous only behind required sign-in (the signIn resource below); never otherwise: the API would be open.
  HTTP_AUTH_LEVEL: signInRequired ? 'anonymous' : 'function'
  // The Node worker's heap limit (README: Configuration): read by the Functions host when it starts the worker.
  languageWorkers__node__arguments: '--max-old-space-size=${workerHeapMB}'
}

var authSettings = signInRequired && entraClientSecretInKeyVault
  ? {
      MICROSOFT_PROVIDER_AUTHENTICATION_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=entra-client-secret)'
    }
  : {}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettings, authSettings)
}

resource signIn 'Microsoft.Web/sites/config@2024-04-01' = if (signInRequired) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
    }
    httpSettings: { requireHttps: true }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${entraTenantId}/v2.0'
          clientSecretSettingName: entraClientSecretInKeyVault ? 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET' : null
        }
        validation: { allowedAudiences: ['api://${entraClientId}', entraClientId] }
      }
    }
  }
}

output name string = app.name
output baseUrl string = 'https://${app.properties.defaultHostName}'
output dashboardUrl string = 'https://${app.properties.defaultHostName}/api/dashboard/'
