// The `@azure/functions-core` shim on its own (this file's process loads no app).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installCoreApi } from '../../src/core-api.ts';

const require = createRequire(import.meta.url);

interface Core {
  registerFunction(metadata: unknown, callback: unknown): { dispose(): unknown };
  registerHook(name: string, cb: unknown): { dispose(): unknown };
  setProgrammingModel(model: unknown): void;
  getProgrammingModel(): unknown;
}

describe('installCoreApi', () => {
  it('is idempotent and answers require("@azure/functions-core")', () => {
    const registry = installCoreApi();
    expect(installCoreApi()).toBe(registry);
    const core = require('@azure/functions-core') as Core;
    expect(require('@azure/functions-core')).toBe(core);
    expect(Object.keys(core)).toEqual(
      expect.arrayContaining([
        'version',
        'hostVersion',
        'registerHook',
        'setProgrammingModel',
        'getProgrammingModel',
        'log',
        'registerFunction',
        'Disposable',
      ]),
    );
    // other modules still resolve normally
    expect(typeof (require('node:path') as { join: unknown }).join).toBe('function');
  });

  it('records functions with trigger, durable client and return binding details; rejects duplicates and late registrations', () => {
    const registry = installCoreApi();
    const core = require('@azure/functions-core') as Core;
    const handler = (): string => 'ok';
    const disposable = core.registerFunction(
      {
        name: 'StartThing',
        bindings: {
          httpTrigger1: { type: 'httpTrigger', direction: 'in', route: 'start', methods: ['POST'] },
          client1: { type: 'durableClient', direction: 'in' },
          $return: { type: 'http', direction: 'out' },
        },
      },
      handler,
    );
    const fn = registry.functions.get('startthing');
    expect(fn).toMatchObject({
      name: 'StartThing',
      triggerBindingName: 'httpTrigger1',
      triggerType: 'httpTrigger',
      trigger: { route: 'start' },
      durableClientBindingName: 'client1',
      returnBindingType: 'http',
    });
    expect(fn?.callback).toBe(handler);
    expect(() =>
      core.registerFunction(
        { name: 'startTHING', bindings: { t: { type: 'timerTrigger', direction: 'in' } } },
        handler,
      ),
    ).toThrow(/"startTHING" has already been registered/);
    disposable.dispose();
    expect(registry.functions.has('startthing')).toBe(false);

    const hook = core.registerHook('preInvocation', () => undefined);
    expect(registry.hooks.preInvocation).toHaveLength(1);
    hook.dispose();
    expect(registry.hooks.preInvocation).toHaveLength(0);
    expect(() => core.registerHook('nope', () => undefined)).toThrow(RangeError);

    registry.lock();
    expect(() =>
      core.registerFunction({ name: 'Late', bindings: { t: { type: 'queueTrigger', direction: 'in' } } }, handler),
    ).toThrow(/only be registered during app startup.*"Late"/);
  });
});
