// The URLs the Durable extension hands out (HttpApiHandler.GetClientResponseLinks and GetInstanceCreationLinks):
// every one starts at the public webhook base and carries `taskHub`, `connection` and, when the host enforces
// keys, `code=<the extension's system key>` — never the master key.

/** The webhook base, e.g. http://127.0.0.1:7071/runtime/webhooks/durabletask (no trailing slash). */
function webhookBase(baseUrl: string): string {
  return `${baseUrl}/runtime/webhooks/durabletask`;
}

/** `code=<system key>`, or '' for an open host: the extension's requiredQueryStringParameters. */
export function requiredQuery(systemKey: string | undefined): string {
  return systemKey ? `code=${encodeURIComponent(systemKey)}` : '';
}

/** The management URLs of one instance (HttpManagementPayload); `instanceId` may be the INSTANCEID template. */
export function managementUrls(baseUrl: string, taskHubName: string, instanceId: string, required: string) {
  const base = `${webhookBase(baseUrl)}/instances/${instanceId === 'INSTANCEID' ? instanceId : encodeURIComponent(instanceId)}`;
  const q = `taskHub=${encodeURIComponent(taskHubName)}&connection=Storage${required ? `&${required}` : ''}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${base}?${q}`,
    sendEventPostUri: `${base}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${base}/terminate?reason={text}&${q}`,
    rewindPostUri: `${base}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${base}?${q}`,
    restartPostUri: `${base}/restart?${q}`,
    suspendPostUri: `${base}/suspend?reason={text}&${q}`,
    resumePostUri: `${base}/resume?reason={text}&${q}`,
  };
}

/**
 * The durableClient binding data (durable-protocol.md §5.1). The client library calls `rpcBaseUrl` (the loopback
 * RPC listener, no key) and copies the management URLs into check-status responses.
 */
export function clientBindingData(options: {
  baseUrl: string;
  rpcBaseUrl: string;
  taskHubName: string;
  systemKey?: string | undefined;
}) {
  const required = requiredQuery(options.systemKey);
  const base = webhookBase(options.baseUrl);
  return {
    taskHubName: options.taskHubName,
    connectionName: 'Storage',
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${required}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}${required ? `&${required}` : ''}`,
    },
    // The client library substitutes INSTANCEID with each instance's id.
    managementUrls: managementUrls(options.baseUrl, options.taskHubName, 'INSTANCEID', required),
    baseUrl: base,
    requiredQueryStringParameters: required,
    rpcBaseUrl: options.rpcBaseUrl,
    httpBaseUrl: null,
  };
}
