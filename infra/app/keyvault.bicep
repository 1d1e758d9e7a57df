// Key Vault for the vendors' API keys (AVM_API_KEY as avm-api-key, FRAUD_REVIEW_API_KEY as
// fraud-review-api-key). The app reads them through Key Vault references with its managed identity; an
// operator sets them (README: Deploy), so no key passes through a deployment or its history. Access is by
// Azure RBAC only (no access policies); purge protection keeps a deleted key recoverable for 90 days.
param name string
param location string
param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
