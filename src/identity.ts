// The app's Entra ID credential for Cosmos DB, Blob and Queue storage and Application Insights ingestion.
// In Azure: the user-assigned managed identity named by its client id (ManagedIdentityCredential, as the Azure
// SDK guidance recommends for production: no probing of other credential sources). Off Azure, pointed at real
// Azure resources: DefaultAzureCredential (az login, environment, ...). Against the local emulators no token
// is ever asked for: they take keys (src/storage/clients.ts).
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * A credential that loads @azure/identity (about 1 s and 40 MB) on the first token request, not at import:
 * a local run on the emulators never pays for it.
 * @param hosting where the app runs (src/hosting.ts): 'azure' uses the managed identity only.
 * @param clientId client id of the user-assigned managed identity; required in Azure.
 */
export function identityCredential(hosting: 'azure' | 'local', clientId: string | undefined): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  const load = async (): Promise<TokenCredential> => {
    const identity = await import('@azure/identity');
    if (hosting === 'azure') return new identity.ManagedIdentityCredential(clientId ? { clientId } : {});
    return new identity.DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
  };
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      credential ??= load();
      return (await credential).getToken(scopes, options);
    },
  };
}
