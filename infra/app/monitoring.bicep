// Log Analytics and Application Insights. Local auth (instrumentation-key ingestion) is off: telemetry is
// accepted only with an Entra token, which the app gets with its managed identity (Monitoring Metrics
// Publisher, rbac.bicep; APPLICATIONINSIGHTS_AUTHENTICATION_STRING in api.bicep).
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 90
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = insights.name
