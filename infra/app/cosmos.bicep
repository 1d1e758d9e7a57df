// Cosmos DB for NoSQL, serverless, with the app's database and every container it uses. Local (key) auth is
// off: the app reaches its data with the managed identity and the built-in Data Contributor role, a data-plane
// role that cannot create databases or containers, so every one the app uses is declared here, with the
// partition key and TTL of src/storage/cosmos.ts CONTAINER_DEFINITIONS (test/unit/infra compares them).
param name string
param location string
param tags object
param databaseName string

// defaultTtl -1: no expiry by default, items expire by their own `ttl` (the valuation cache); absent: TTL off.
var containers = [
  { name: 'jobs', partitionKey: '/id' }
  { name: 'results', partitionKey: '/jobId' }
  { name: 'reports', partitionKey: '/portfolioId' }
  { name: 'trends', partitionKey: '/portfolioId' }
  { name: 'portfolios', partitionKey: '/id' }
  { name: 'valuationCache', partitionKey: '/cacheKey', defaultTtl: -1 }
  { name: 'chunkMarkers', partitionKey: '/jobId' }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    capabilities: [{ name: 'EnableServerless' }]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: union(
        {
          id: container.name
          partitionKey: { paths: [container.partitionKey], kind: 'Hash', version: 2 }
        },
        contains(container, 'defaultTtl') ? { defaultTtl: container.defaultTtl } : {}
      )
    }
  }
]

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
