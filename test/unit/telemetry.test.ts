import { describe, expect, it } from 'vitest';
import { authenticationClientId, startTelemetry, trackMetric } from '../../src/telemetry.ts';

describe('telemetry without a connection string', () => {
  it('loads nothing and records nothing, without failing', async () => {
    expect(await startTelemetry({})).toBeUndefined();
    expect(await startTelemetry({ connectionString: '  ' })).toBeUndefined();
    await expect(trackMetric('PropertiesAnalyzed', 5)).resolves.toBeUndefined();
    expect(Object.keys(require.cache ?? {}).some((m) => m.includes('applicationinsights'))).toBe(false);
  });

  it('reads the identity from the authentication string the host reads too', () => {
    expect(authenticationClientId('ClientId=abc-1;Authorization=AAD')).toBe('abc-1');
    expect(authenticationClientId('Authorization=AAD')).toBeUndefined();
  });
});
