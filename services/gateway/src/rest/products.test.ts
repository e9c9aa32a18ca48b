import type { Caller } from '@seren/service-kit';
import { serebro, serelo, SEREBRO_SCOPE_MESSAGE } from './products';

// Serebro's edge policy: which credentials each version takes, the scope refusal, and where a
// request names its location.
const caller = (via: string): Caller => ({ subject: 'u', kind: 'user', scopes: [], permissions: [], via });

describe("Serebro's edge policy", () => {
  it('takes API keys on v1 and OAuth tokens or PITs on v2, nothing else', () => {
    expect(serebro.refusal!(caller('api_key'), 'v1')).toBeUndefined();
    for (const via of ['oauth', 'pit', 'session'])
      expect(serebro.refusal!(caller(via), 'v1')).toMatch(/API key/);
    expect(serebro.refusal!(caller('oauth'), 'v2')).toBeUndefined();
    expect(serebro.refusal!(caller('pit'), 'v2')).toBeUndefined();
    for (const via of ['api_key', 'session', 'x402'])
      expect(serebro.refusal!(caller(via), 'v2')).toMatch(
        /OAuth 2.0 access token or a private integration token/,
      );
    expect(serebro.refusal!({ kind: 'anonymous', scopes: [], permissions: [] }, 'v2')).toBeUndefined();
    expect(serelo.refusal).toBeUndefined();
  });

  it("refuses a missing scope with HighLevel's message, in Serebro's error body", () => {
    const error = serebro.outOfScope!('contacts:read');
    expect(error).toEqual({
      status: 401,
      code: 'UNAUTHORIZED_SCOPE',
      message: SEREBRO_SCOPE_MESSAGE,
      extra: { scope: 'contacts:read' },
    });
    expect(serebro.errorBody(error)).toEqual({
      error: {
        code: 'UNAUTHORIZED_SCOPE',
        message: 'The token is not authorized for this scope.',
        scope: 'contacts:read',
      },
    });
    expect(serebro.errorSchema.safeParse(serebro.errorBody(error)).success).toBe(true);
  });

  it('reads the location from the path, else the query, else the JSON body, as HighLevel takes it', () => {
    const locationOf = serebro.locationOf!;
    expect(
      locationOf({ params: { locationId: 'p' }, query: { locationId: 'q' }, body: { locationId: 'b' } }),
    ).toBe('p');
    expect(locationOf({ params: {}, query: { locationId: 'q' }, body: { locationId: 'b' } })).toBe('q');
    expect(locationOf({ params: {}, query: {}, body: { locationId: 'b' } })).toBe('b');
    // not a string (a repeated query parameter, a number): no location named, the credential's own stands
    expect(
      locationOf({ params: {}, query: { locationId: ['a', 'b'] }, body: { locationId: 7 } }),
    ).toBeUndefined();
    expect(locationOf({ params: { locationId: '' }, query: undefined, body: undefined })).toBeUndefined();
  });
});
