// The storage account of the Functions host (AzureWebJobsStorage): host leases and timers, the durable task hub
// (queues, tables, blobs), the app's chunk staging and report snapshot blobs and its two queues, and the deployment
// package.
// Shared keys are off: every caller, the app included, signs in with Entra ID (rbac.bicep grants the roles).
param name string
param location string
param tags object
@description('Blob container Flex Consumption deploys the app package from.')
param deploymentContainerName string

// The app's own containers and queues (src/storage/blob-staging.ts STAGING_CONTAINER, src/storage/snapshot-store.ts
// SNAPSHOT_CONTAINER, src/storage/queues.ts). The app also creates them when missing; declaring them keeps the
// deployment complete before the first start.
var blobContainerNames = ['portfolio-staging', 'portfolio-uploads', 'portfolio-snapshots']
var queueNames = ['portfolio-alerts', 'portfolio-revaluation']

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource appContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in blobContainerNames: {
    parent: blobService
    name: containerName
    properties: { publicAccess: 'None' }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
