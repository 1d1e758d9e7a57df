// Portfolio Analytics in Azure: a Function App on the Flex Consumption plan (Node 22) with its storage
// account (task hub, chunk staging, queues, deployment package), a serverless Cosmos DB account, and
// Application Insights on a Log Analytics workspace. The app creates its database, containers, blob
// container and queues on first use.
//   az deployment group create -g RG -f infra/main.bicep -p namePrefix=pa
// Not deployed from the development machine (no Azure access there): check with `az bicep build` first.

@description('Short prefix for resource names (letters and digits).')
@minLength(2)
@maxLength(11)
param namePrefix string = 'pa'

param location string = resourceGroup().location

@description('Largest number of instances the app scales out to.')
param maximumInstanceCount int = 100

@description('AVM provider settings (see README: Configuration); the simulator by default.')
param avmMode string = 'simulated'
param avmBaseUrl string = ''
@secure()
param avmApiKey string = ''

@description('Client id of an Entra ID app registration: turns on App Service Authentication (sign-in required for the dashboard and the API, HTTP_AUTH_LEVEL=anonymous). Empty: off, every API call needs a function key. README: Dashboard, access.')
param entraClientId string = ''
@description('Tenant whose users may sign in.')
param entraTenantId string = subscription().tenantId
@description('Client secret of that registration (authorization-code sign-in); empty: the registration must allow ID tokens.')
@secure()
param entraClientSecret string = ''

var signInRequired = !empty(entraClientId)
var suffix = uniqueString(resourceGroup().id)
var storageName = toLower('${namePrefix}st${suffix}')
var deploymentContainer = 'app-package'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

var storageConnectionString = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: '${namePrefix}-cosmos-${suffix}'
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    capabilities: [{ name: 'EnableServerless' }]
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: '${namePrefix}-func-${suffix}'
  location: location
  kind: 'functionapp,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'StorageAccountConnectionString', storageAccountConnectionStringName: 'DEPLOYMENT_STORAGE_CONNECTION_STRING' }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: 2048 }
      runtime: { name: 'node', version: '22' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'AzureWebJobsStorage', value: storageConnectionString }
        { name: 'DEPLOYMENT_STORAGE_CONNECTION_STRING', value: storageConnectionString }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'COSMOS_ENDPOINT', value: cosmos.properties.documentEndpoint }
        { name: 'COSMOS_KEY', value: cosmos.listKeys().primaryMasterKey }
        { name: 'COSMOS_DATABASE', value: 'portfolio-analytics' }
        // Read by name by the task hub and the nightly timer: they must exist.
        { name: 'TASK_HUB_NAME', value: 'PortfolioAnalytics' }
        { name: 'NIGHTLY_SCHEDULE', value: '0 0 2 * * *' }
        { name: 'AVM_MODE', value: avmMode }
        { name: 'AVM_BASE_URL', value: avmBaseUrl }
        { name: 'AVM_API_KEY', value: avmApiKey }
        // Behind required sign-in no unauthenticated call reaches the app: function keys would only get in the way.
        { name: 'HTTP_AUTH_LEVEL', value: signInRequired ? 'anonymous' : 'function' }
        { name: 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET', value: entraClientSecret }
      ]
    }
  }
  dependsOn: [packageContainer]
}

// App Service Authentication (Easy Auth) with Entra ID: every request signs in first. Browsers are sent to the
// login page; the dashboard's calls (X-Requested-With) get 401 instead; API clients send a bearer token for
// api://{entraClientId}.
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
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${entraTenantId}/v2.0'
          clientSecretSettingName: empty(entraClientSecret) ? null : 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET'
        }
        validation: { allowedAudiences: ['api://${entraClientId}', entraClientId] }
      }
    }
    login: { tokenStore: { enabled: true } }
  }
}

output functionAppName string = app.name
output dashboardUrl string = 'https://${app.properties.defaultHostName}/api/dashboard/'
output apiBaseUrl string = 'https://${app.properties.defaultHostName}/api'
