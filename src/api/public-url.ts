// Absolute URLs in answers (the 202's Location and statusUrl, the OpenAPI server) are built on the configured
// public base URL, never on the request's Host header: a caller (or a proxy in front of the app) must not be
// able to make the API hand out links to a host of its choosing.

/**
 * `path` (e.g. `/api/portfolio/jobs/job-1`) under the public base URL, keeping any path prefix of the base
 * (`https://gateway.example.com/analytics` + `/api/x` = `https://gateway.example.com/analytics/api/x`).
 * @param publicBaseUrl settings.host.publicBaseUrl (PUBLIC_BASE_URL; locally http://WEBSITE_HOSTNAME).
 * @throws Error when there is no base URL (neither PUBLIC_BASE_URL nor a host name is set).
 */
export function publicUrl(publicBaseUrl: string | undefined, path: string): string {
  if (publicBaseUrl === undefined)
    throw new Error('No public base URL: set PUBLIC_BASE_URL (the address callers reach the API at).');
  const base = publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`;
  return new URL(path.replace(/^\/+/, ''), base).toString();
}
