// The app's one credential: a user-assigned managed identity. It outlives any one app (a redeployed app keeps
// its roles) and no secret of it exists anywhere. Its roles: rbac.bicep.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
