import { canonicalSerebroScope, parseSerebroScopes, SEREBRO_SCOPES, SEREBRO_SCOPE_NAMES } from './scopes.js';

describe('Serebro scope catalog', () => {
  it("maps HighLevel's names to the spec's canonical ones", () => {
    expect(canonicalSerebroScope('contacts.readonly')).toBe('contacts:read');
    expect(canonicalSerebroScope('calendars/events.write')).toBe('appointments:write');
    expect(canonicalSerebroScope('oauth.write')).toBe('oauth.write');
    expect(canonicalSerebroScope('contacts:read')).toBe('contacts:read');
    expect(canonicalSerebroScope('contacts.delete')).toBeUndefined();
  });

  it('parses a scope list into canonical names in catalog order and returns unknown names apart', () => {
    expect(parseSerebroScopes('contacts.write  opportunities:read contacts:write bogus.scope')).toEqual({
      scopes: ['contacts:write', 'opportunities:read'],
      unknown: ['bogus.scope'],
    });
    expect(parseSerebroScopes('')).toEqual({ scopes: [], unknown: [] });
  });

  it('has no alias shared by two scopes', () => {
    const names = SEREBRO_SCOPES.flatMap((definition) => [definition.name, ...definition.aliases]);
    expect(new Set(names).size).toBe(names.length);
    expect(SEREBRO_SCOPE_NAMES).toHaveLength(names.length);
  });
});
