import { emailSchema, passwordSchema } from './service';

describe("Serelo's email rule, shared by every route that takes an email", () => {
  it('forgives surrounding spaces', () => {
    expect(emailSchema.parse('  ada@example.test ')).toBe('ada@example.test');
  });

  it('rejects what is not an address', () => {
    for (const bad of ['not-an-email', '', 42, undefined, null]) {
      expect(emailSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('rejects an address over 255 characters', () => {
    expect(emailSchema.safeParse(`${'a'.repeat(250)}@example.test`).success).toBe(false);
  });
});

describe("Serelo's password policy", () => {
  const problem = (password: string) => passwordSchema.safeParse(password).error?.issues[0]?.message;

  it('accepts 8 to 128 characters with upper, lower, digit and special', () => {
    for (const good of ['Correct-Horse-9', 'Aa1!aaaa', 'Émile-Zola-1885', `Aa1!${'x'.repeat(124)}`])
      expect(problem(good)).toBeUndefined();
  });

  it('names the rule a password breaks', () => {
    expect(problem('Aa1!aaa')).toMatch(/at least 8/);
    expect(problem(`Aa1!${'x'.repeat(125)}`)).toMatch(/at most 128/);
    expect(problem('aa1!aaaa')).toMatch(/uppercase/);
    expect(problem('AA1!AAAA')).toMatch(/lowercase/);
    expect(problem('Aa!!aaaa')).toMatch(/number/);
    expect(problem('Aa1aaaaa')).toMatch(/special/);
  });

  it('does not count a letter of another script, or a space, as the special character', () => {
    expect(problem('Passwörd1')).toMatch(/special/);
    expect(problem('Pass word1')).toMatch(/special/);
  });
});
