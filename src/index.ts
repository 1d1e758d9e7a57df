// The Functions app's entry point (package.json "main"). When the app starts (the programming model's
// appStart hook, before any function runs) the settings are validated once: a bad or, in Azure, a missing
// setting stops the start with a message naming it. The process's services are built on first use and
// every function is registered (src/app.ts).
import { app } from '@azure/functions';
import type { Settings } from './config.ts';
import { registerFunctions } from './app.ts';
import { createAppServices, startApp, type AppServices } from './services.ts';

let settings: Settings | undefined;
let services: Promise<AppServices> | undefined;

app.hook.appStart(() => {
  settings = startApp(process.env);
});

/** The process's services, built once; a failed start (storage unreachable) is retried on the next call. */
function appServices(): Promise<AppServices> {
  services ??= Promise.resolve()
    .then(() => createAppServices((settings ??= startApp(process.env))))
    .catch((error: unknown) => {
      services = undefined;
      throw error;
    });
  return services;
}

registerFunctions(appServices);
