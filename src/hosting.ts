// Where the app runs: in Azure (App Service / Functions set these variables on every instance) or on a
// developer's machine or CI (devhost, func start). Local defaults (the emulators on localhost, the emulator key)
// apply only off Azure; in Azure a missing setting stops the start instead (src/config.ts).

/**
 * Variables the App Service platform sets on every Functions instance (Flex Consumption, Consumption, Premium,
 * Dedicated) and Core Tools and devhost do not. Generic container variables (CONTAINER_NAME) are no sign of
 * Azure: CI runners and dev containers set them too.
 */
const AZURE_PLATFORM_VARIABLES = ['WEBSITE_INSTANCE_ID', 'WEBSITE_SITE_NAME'] as const;

export type Hosting = 'azure' | 'local';

/** 'azure' when any platform variable is set, else 'local'. */
export function hostingOf(env: Record<string, string | undefined>): Hosting {
  return AZURE_PLATFORM_VARIABLES.some((name) => (env[name] ?? '').trim() !== '') ? 'azure' : 'local';
}
