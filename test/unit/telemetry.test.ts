import { describe, expect, it } from 'vitest';
import { telemetryClient, trackMetric } from '../../src/telemetry.ts';

describe('telemetry without a connection string', () => {
  it('loads nothing and records nothing, without failing', async () => {
    expect(await telemetryClient({})).toBeUndefined();
    expect(await telemetryClient({ APPLICATIONINSIGHTS_CONNECTION_STRING: '  ' })).toBeUndefined();
    await expect(trackMetric('PropertiesAnalyzed', 5)).resolves.toBeUndefined();
    expect(Object.keys(require.cache ?? {}).some((m) => m.includes('applicationinsights'))).toBe(false);
  });
});
