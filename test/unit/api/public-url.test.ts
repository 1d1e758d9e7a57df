import { describe, expect, it } from 'vitest';
import { publicUrl } from '../../../src/api/public-url.ts';

describe('publicUrl', () => {
  it('puts the path under the configured base, keeping a path prefix of the base', () => {
    expect(publicUrl('https://analytics.example.com', '/api/portfolio/jobs/j-1')).toBe(
      'https://analytics.example.com/api/portfolio/jobs/j-1',
    );
    expect(publicUrl('https://gw.example.com/analytics/', '/api/x')).toBe('https://gw.example.com/analytics/api/x');
    expect(publicUrl('http://127.0.0.1:7071', 'api/x')).toBe('http://127.0.0.1:7071/api/x');
  });

  it('refuses to guess without a base URL', () => {
    expect(() => publicUrl(undefined, '/api/x')).toThrow(/set PUBLIC_BASE_URL/);
  });
});
