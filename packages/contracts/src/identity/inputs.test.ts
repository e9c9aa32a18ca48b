import { z } from 'zod';
import {
  apiKeyNameInput,
  auditLogLimitInput,
  emailInput,
  expiresInDaysInput,
  passwordInput,
  permissionsInput,
} from './inputs';

const problem = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues[0]?.message;

describe("identity's email rule, shared by every input that takes an email", () => {
  it('forgives surrounding spaces', () => {
    expect(emailInput.parse('  ada@example.test ')).toBe('ada@example.test');
  });

  it('rejects what is not an address', () => {
    for (const bad of ['not-an-email', '', 42, undefined, null]) {
      expect(emailInput.safeParse(bad).success).toBe(false);
    }
  });

  it('rejects an address over 255 characters', () => {
    expect(emailInput.safeParse(`${'a'.repeat(250)}@example.test`).success).toBe(false);
    expect(emailInput.safeParse(`${'a'.repeat(65)}@example.test`).success).toBe(false);
    expect(emailInput.safeParse(`${'a'.repeat(64)}@example.test`).success).toBe(true);
  });
});

describe('the password policy', () => {
  it('accepts 8 to 128 characters with upper, lower, digit and special', () => {
    for (const good of ['Correct-Horse-9', 'Aa1!aaaa', 'Émile-Zola-1885', `Aa1!${'x'.repeat(124)}`])
      expect(problem(passwordInput, good)).toBeUndefined();
  });

  it('names the rule a password breaks', () => {
    expect(problem(passwordInput, 'Aa1!aaa')).toMatch(/at least 8/);
    expect(problem(passwordInput, `Aa1!${'x'.repeat(125)}`)).toMatch(/at most 128/);
    expect(problem(passwordInput, 'aa1!aaaa')).toMatch(/uppercase/);
    expect(problem(passwordInput, 'AA1!AAAA')).toMatch(/lowercase/);
    expect(problem(passwordInput, 'Aa!!aaaa')).toMatch(/number/);
    expect(problem(passwordInput, 'Aa1aaaaa')).toMatch(/special/);
  });

  it('does not count a letter of another script, or a space, as the special character', () => {
    expect(problem(passwordInput, 'Passwörd1')).toMatch(/special/);
    expect(problem(passwordInput, 'Pass word1')).toMatch(/special/);
  });
});

describe('names, key lifetimes, permissions and pages', () => {
  it('a name is 1 to 100 characters once trimmed', () => {
    expect(apiKeyNameInput.parse('  ci key ')).toBe('ci key');
    expect(problem(apiKeyNameInput, '   ')).toBe('name must be 1 to 100 characters');
    expect(problem(apiKeyNameInput, 'x'.repeat(101))).toBe('name must be 1 to 100 characters');
  });

  it('expires_in_days is an integer from 1 to 3650', () => {
    for (const good of [1, 365, 3650]) expect(problem(expiresInDaysInput, good)).toBeUndefined();
    for (const bad of [0, 3651, 1.5, '30'])
      expect(problem(expiresInDaysInput, bad)).toBe('expires_in_days must be an integer from 1 to 3650');
  });

  it('permissions are names from the catalog', () => {
    expect(permissionsInput.parse(['org.read', 'wallet.manage'])).toEqual(['org.read', 'wallet.manage']);
    expect(problem(permissionsInput, ['org.read', 'org.fly'])).toBe('unknown permission: org.fly');
    expect(problem(permissionsInput, 'org.read')).toBe('permissions must be an array of permission names');
  });

  it('an audit-log page is 1 to 100 entries, from a number or a query string', () => {
    expect(auditLogLimitInput.parse('20')).toBe(20);
    for (const bad of [0, 101, '101', 'ten', 2.5])
      expect(problem(auditLogLimitInput, bad)).toBe('limit must be an integer from 1 to 100');
  });
});

describe('the JSON Schema the gateway documents carries the limits', () => {
  const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

  it('email format, name and password lengths, the lifetime range, the permission list and the page size', () => {
    expect(json(emailInput)).toMatchObject({ type: 'string', format: 'email', maxLength: 255 });
    expect(json(apiKeyNameInput)).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(json(passwordInput)).toMatchObject({
      type: 'string',
      minLength: 8,
      maxLength: 128,
      description: expect.stringMatching(/uppercase/),
    });
    expect(json(passwordInput)).not.toHaveProperty('pattern');
    expect(json(expiresInDaysInput)).toMatchObject({ type: 'integer', minimum: 1, maximum: 3650 });
    expect(json(permissionsInput)).toMatchObject({
      type: 'array',
      items: { enum: expect.arrayContaining(['org.read', 'org.manage_api_keys']) },
    });
    expect(json(auditLogLimitInput)).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
  });
});
