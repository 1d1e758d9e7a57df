// Cosmos DB for NoSQL, serverless, with the app's database and every container it uses. Local (key) auth is
// off: the app reaches its data with the managed identity and the built-in Data Contributor role, a data-plane
// role that cannot create databases or containers, so every one the app uses is declared here, with the
// partition key and TTL of src/storage/cosmos.ts CONTAINER_DEFINITIONS (test/unit/infra compares them).
param name string
param location string
param tags object
param databaseName string

// ttl is merged into each container's resource: defaultTtl -1 means no expiry by default, items expire by their
// own `ttl` (the valuation cache); {} leaves TTL off. Every entry has the same shape, so the loop below reads no
// property that some entries lack.
var containers = [
  { name: 'jobs', partitionKey: '/id', ttl: {} }
  { name: 'results', partitionKey: '/jobId', ttl: {} }
  { name: 'reports', partitionKey: '/portfolioId', ttl: {} }
  { name: 'trends', partitionKey: '/portfolioId', ttl: {} }
  { name: 'portfolios', partitionKey: '/id', ttl: {} }
  { name: 'valuationCache', partitionKey: '/cacheKey', ttl: { defaultTtl: -1 } }
  { name: 'chunkMarkers', partitionKey: '/jobId', ttl: {} }
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
        container.ttl
      )
    }
  }
]

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
