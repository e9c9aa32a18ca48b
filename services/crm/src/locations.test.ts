import type { Caller } from '@seren/service-kit';
import { locationOf } from './locations';

const request = (caller: Partial<Caller>) => ({
  caller: { kind: 'user', subject: 'u1', scopes: [], permissions: [], ...caller } as Caller,
});

describe("the crm's location rule", () => {
  it("acts in a location credential's own location", () =>
    expect(locationOf(request({ authClass: 'Location', organizationId: 'loc1', resourceId: 'loc1' }))).toBe(
      'loc1',
    ));

  it('acts in the location an agency credential named', () =>
    expect(locationOf(request({ authClass: 'Company', organizationId: 'loc1', resourceId: 'ag1' }))).toBe(
      'loc1',
    ));

  it('refuses an agency credential that named no location with 403 LOCATION_REQUIRED', () => {
    for (const caller of [
      { authClass: 'Company' as const, organizationId: 'ag1', resourceId: 'ag1' },
      { authClass: 'Company' as const, organizationId: 'ag1' },
      { authClass: 'Location' as const },
    ])
      expect(() => locationOf(request(caller))).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', details: { reason: 'LOCATION_REQUIRED' } }),
      );
  });

  it('refuses an anonymous caller with 401', () =>
    expect(() => locationOf({ caller: { kind: 'anonymous', scopes: [], permissions: [] } })).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    ));
});
