// The Functions app's entry point (package.json "main"): builds the process's services on first use and
// registers every function (src/app.ts).
import { registerFunctions } from './app.ts';
import { createAppServices, type AppServices } from './services.ts';

let services: Promise<AppServices> | undefined;

/** The process's services, built once; a failed start (storage unreachable) is retried on the next call. */
function appServices(): Promise<AppServices> {
  services ??= createAppServices(process.env).catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

registerFunctions(appServices);
