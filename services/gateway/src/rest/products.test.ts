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
      statusCode: 401,
      message: 'The token is not authorized for this scope.',
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
    // HighLevel's opportunities search names it in snake_case
    expect(locationOf({ params: {}, query: { location_id: 's' }, body: undefined })).toBe('s');
  });

  it("lists every bad field of a validation failure, and a duplicate's meta beside HighLevel's fields", () => {
    const fields = [
      { field: 'body.email', message: 'Invalid email address' },
      { field: 'query.limit', message: 'Too big' },
    ];
    const invalid = serebro.errorOf('VALIDATION_ERROR', 'body.email: Invalid email address', undefined, {
      fields,
    });
    expect(serebro.errorBody(invalid)).toEqual({
      statusCode: 400,
      message: 'body.email: Invalid email address',
      error: { code: 'VALIDATION_ERROR', message: 'body.email: Invalid email address', fields },
    });
    const duplicate = serebro.errorOf(
      'VALIDATION_ERROR',
      'This location does not allow duplicated contacts.',
      'DUPLICATE_CONTACT',
      {
        meta: { contactId: 'c1', matchingField: 'email' },
      },
    );
    const body = serebro.errorBody(duplicate);
    expect(body).toEqual({
      statusCode: 400,
      message: 'This location does not allow duplicated contacts.',
      error: { code: 'DUPLICATE_CONTACT', message: 'This location does not allow duplicated contacts.' },
      meta: { contactId: 'c1', matchingField: 'email' },
    });
    expect(serebro.errorSchema.safeParse(body).success).toBe(true);
    // a 500 shows no detail
    expect(
      serebro.errorOf('INTERNAL_SERVER_ERROR', 'db down', undefined, { meta: { x: 1 } }).extra,
    ).toBeUndefined();
  });

  it("takes HighLevel's Version header values or none, and refuses any other with 400", () => {
    for (const version of [undefined, '2021-07-28', '2021-04-15', '2023-02-21'])
      expect(serebro.headerRefusal!({ version })).toBeUndefined();
    for (const version of ['2020-01-01', 'v2', ['2021-07-28', '2021-07-28']])
      expect(serebro.headerRefusal!({ version })).toMatchObject({ status: 400, code: 'INVALID_VERSION' });
    expect(serelo.headerRefusal).toBeUndefined();
  });
});
