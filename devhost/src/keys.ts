// Host keys as the Functions host checks them, for a host started with a master key (without one devhost runs
// open, as `func start` does). Authorization levels (Microsoft.Azure.WebJobs.Extensions.Http AuthorizationLevel):
//   anonymous  no key
//   function   a function or host key, or the master key (devhost models the master key only)
//   system     an extension webhook (`/runtime/webhooks/durabletask/...`): that extension's system key, or the master key
//   admin      the admin API (`/admin/...`): the master key only
// The Durable extension's system key is named `durabletask_extension` (the host's DefaultScriptWebHookProvider
// names extension keys `<extension>_extension`). The real host generates it once and keeps it in its secrets
// store; devhost has no secrets store, so it derives the key from the master key (HMAC-SHA256): the same master
// key always gives the same system key, so management URLs handed out before a restart keep working after it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type AuthLevel = 'anonymous' | 'function' | 'system' | 'admin';

/** The Durable extension's system key name. */
export const DURABLE_SYSTEM_KEY_NAME = 'durabletask_extension';

export interface HostKeys {
  master: string;
  /** System keys by name. */
  system: ReadonlyMap<string, string>;
}

/** A system key derived from the master key: base64url of HMAC-SHA256(master, name), 43 characters. */
export function deriveSystemKey(masterKey: string, name: string): string {
  return createHmac('sha256', masterKey).update(`devhost system key: ${name}`).digest('base64url');
}

/** The keys of a host started with `masterKey`, or undefined (an open host) without one. */
export function hostKeys(masterKey: string | undefined): HostKeys | undefined {
  if (!masterKey) return undefined;
  return {
    master: masterKey,
    system: new Map([[DURABLE_SYSTEM_KEY_NAME, deriveSystemKey(masterKey, DURABLE_SYSTEM_KEY_NAME)]]),
  };
}

function keysEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** The key a request presents: the `x-functions-key` header, else the `code` query parameter. */
export function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  if (typeof header === 'string' && header) return header;
  return url.searchParams.get('code') ?? undefined;
}

/**
 * Whether `key` grants `level` (see the top of this file). An open host (no keys) grants everything.
 * `systemKeyName` names the system key a 'system' route accepts.
 */
export function grants(
  keys: HostKeys | undefined,
  key: string | undefined,
  level: AuthLevel,
  systemKeyName = DURABLE_SYSTEM_KEY_NAME,
): boolean {
  if (!keys || level === 'anonymous') return true;
  if (key === undefined) return false;
  if (keysEqual(key, keys.master)) return true;
  if (level !== 'system') return false;
  const system = keys.system.get(systemKeyName);
  return system !== undefined && keysEqual(key, system);
}
