import { describe, expect, it } from 'vitest';
import { compileRoute, compareRoutes, getRoutePrefix, matchRoute } from '../../src/routes.ts';

describe('matchRoute', () => {
  it('matches literal segments case-insensitively', () => {
    expect(matchRoute('orders/list', '/Orders/LIST')).toEqual({});
    expect(matchRoute('orders/list', 'orders/other')).toBeUndefined();
    expect(matchRoute('orders', 'orders/extra')).toBeUndefined();
  });

  it('extracts parameters and decodes them', () => {
    expect(matchRoute('users/{id}/posts/{postId}', 'users/42/posts/a%20b')).toEqual({ id: '42', postId: 'a b' });
  });

  it('handles optional and defaulted parameters', () => {
    expect(matchRoute('items/{id}/{detail?}', 'items/1')).toEqual({ id: '1' });
    expect(matchRoute('items/{id}/{detail?}', 'items/1/x')).toEqual({ id: '1', detail: 'x' });
    expect(matchRoute('greet/{name=friend}', 'greet')).toEqual({ name: 'friend' });
    expect(matchRoute('items/{id}', 'items')).toBeUndefined();
  });

  it('applies int, alpha and guid constraints and ignores unknown ones', () => {
    expect(matchRoute('p/{id:int}', 'p/12')).toEqual({ id: '12' });
    expect(matchRoute('p/{id:int}', 'p/x1')).toBeUndefined();
    expect(matchRoute('p/{n:alpha}', 'p/abc')).toEqual({ n: 'abc' });
    expect(matchRoute('p/{n:alpha}', 'p/ab1')).toBeUndefined();
    expect(matchRoute('p/{g:guid}', 'p/0f8fad5b-d9cb-469f-a165-70867728950e')).toEqual({
      g: '0f8fad5b-d9cb-469f-a165-70867728950e',
    });
    expect(matchRoute('p/{g:guid}', 'p/not-a-guid')).toBeUndefined();
    expect(matchRoute('p/{id:int?}', 'p')).toEqual({});
    expect(matchRoute('p/{id:int:min(3)}', 'p/2')).toBeUndefined();
    expect(matchRoute('p/{x:regex(^a{{2}}$)}', 'p/whatever')).toEqual({ x: 'whatever' });
    expect(matchRoute('p/{x:custom}', 'p/anything')).toEqual({ x: 'anything' });
  });

  it('supports catch-all parameters', () => {
    expect(matchRoute('files/{*path}', 'files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    expect(matchRoute('files/{*path}', 'files')).toEqual({});
    expect(() => compileRoute('files/{*path}/x')).toThrow(/catch-all/);
  });

  it('supports several parameters in one segment', () => {
    expect(matchRoute('dl/{name}.{ext}', 'dl/report.pdf')).toEqual({ name: 'report', ext: 'pdf' });
  });

  it('orders routes with more literal segments first', () => {
    const routes = ['items/{id}', 'items/special', '{*all}', 'items/{id:int}'].map(compileRoute);
    const sorted = [...routes].sort(compareRoutes).map((r) => r.template);
    expect(sorted).toEqual(['items/special', 'items/{id:int}', 'items/{id}', '{*all}']);
  });

  it('reads the route prefix from host.json', () => {
    expect(getRoutePrefix({})).toBe('api');
    expect(getRoutePrefix({ extensions: { http: { routePrefix: '' } } })).toBe('');
    expect(getRoutePrefix({ extensions: { http: { routePrefix: '/v2/' } } })).toBe('v2');
  });
});
