// The database and containers ensured again when they are gone (issue 12.3): a Cosmos DB server that
// restarted empty, or a database removed under a running app, is recreated on the first write that finds
// it missing, not only once per process at start. Hooked into the SDK's operation pipeline (`plugins`,
// exported by @azure/cosmos but marked hidden in its typings) so that every repository gets it unchanged.
import { OperationType, ResourceType, type PluginConfig } from '@azure/cosmos';
import { statusOf } from './errors.ts';

/**
 * Operations whose 404 can only mean that the database or container is missing: a create, an upsert, a
 * batch or a query never answers 404 for a missing document (a point read, replace, patch or delete
 * does, and is left alone: its caller reads 404 as "no such document").
 */
const CONTAINER_MISSING_ON_404: ReadonlySet<string> = new Set([
  OperationType.Create,
  OperationType.Upsert,
  OperationType.Batch,
  OperationType.Query,
]);

/**
 * An operation plugin that, on such a 404 for a document operation, runs `ensure` (creating the database
 * and containers; one run shared by every operation that failed meanwhile) and sends the operation once
 * more. Any other error, or a second 404, is thrown as it came.
 */
export function ensureAgainOnMissing(ensure: () => Promise<unknown>): PluginConfig {
  let ensuring: Promise<unknown> | undefined;
  return {
    on: 'operation',
    plugin: async (context, _diagnostics, next) => {
      try {
        return await next(context);
      } catch (error) {
        const missing =
          statusOf(error) === 404 &&
          context.resourceType === ResourceType.item &&
          context.operationType !== undefined &&
          CONTAINER_MISSING_ON_404.has(context.operationType);
        if (!missing) throw error;
        ensuring ??= ensure().finally(() => {
          ensuring = undefined;
        });
        await ensuring;
        return next(context);
      }
    },
  };
}
