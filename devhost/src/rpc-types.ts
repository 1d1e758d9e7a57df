// Local copies of the slice of the worker <-> library wire types (`@azure/functions-core`) that devhost speaks.
// The real contract lives in azure-functions-nodejs-library/types-core, which is not published to npm, so we
// declare only what we build or read; field names must match it exactly because the library reads them.

export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: { value?: string | null } | null;
  path?: { value?: string | null } | null;
  expires?: { value?: { seconds?: number | null; nanos?: number | null } | null } | null;
  secure?: { value?: boolean | null } | null;
  httpOnly?: { value?: boolean | null } | null;
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone' | null;
  maxAge?: { value?: number | null } | null;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  statusCode?: string | null;
  query?: Record<string, string> | null;
  enableContentNegotiation?: boolean | null;
  cookies?: RpcHttpCookie[] | null;
}

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
}

export interface RpcParameterBinding {
  name: string;
  data: RpcTypedData;
}

/** What the host hands the invoker: the worker's RpcInvocationRequest minus ids the invoker fills in. */
export interface InvocationRequest {
  inputData: RpcParameterBinding[];
  triggerMetadata?: Record<string, RpcTypedData>;
  invocationId?: string;
}

/** The library's answer from `InvocationModel.getResponse`. */
export interface RpcInvocationResponse {
  invocationId?: string;
  outputData?: Array<{ name?: string | null; data?: RpcTypedData | null }> | null;
  returnValue?: RpcTypedData | null;
}
