import { emailSchema } from './service';

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
