import {
  decodeUtf8,
  describePath,
  findUnsafeText,
  multilineTextProblem,
  nameProblem,
  safeMultilineText,
  safeName,
  unsafeTextProblem,
} from './text';

describe('safe text', () => {
  it('refuses a NUL and a lone surrogate anywhere, and accepts a surrogate pair', () => {
    expect(unsafeTextProblem('a\u0000b')).toMatch(/NUL/);
    expect(unsafeTextProblem('a\ud800b')).toMatch(/lone surrogate/);
    expect(unsafeTextProblem('a\udc00')).toMatch(/lone surrogate/);
    expect(unsafeTextProblem('\ud800')).toMatch(/lone surrogate/);
    expect(unsafeTextProblem('emoji 😀, tab\tand\nlines')).toBeUndefined();
  });

  it('finds the first unsafe string or key at any depth, with its path', () => {
    expect(findUnsafeText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({
      path: ['a', '1', 'c'],
      problem: expect.stringMatching(/NUL/),
    });
    expect(findUnsafeText({ 'k\ud800': 1 }, ['body'])).toEqual({
      path: ['body', 'k\\ud800'],
      problem: expect.stringMatching(/^key .*surrogate/),
    });
    expect(findUnsafeText({ a: 1, b: [true, null, 'fine'] })).toBeUndefined();
    expect(findUnsafeText(Buffer.from('a\u0000b'))).toBeUndefined(); // raw bytes are not walked
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(findUnsafeText(deep)?.problem).toMatch(/nested/);
  });

  it('prints a path with its unsafe characters escaped', () => {
    expect(describePath(['body', 'a\u0000b'])).toBe('body.a\\u0000b');
  });

  it('refuses control characters and bidirectional overrides in names', () => {
    expect(nameProblem('Ada\u0007')).toMatch(/control/);
    expect(nameProblem('Ada\nLovelace')).toMatch(/control/);
    expect(nameProblem('Ada\u0085')).toMatch(/control/);
    expect(nameProblem('invoice\u202Efdp.exe')).toMatch(/bidirectional/);
    expect(nameProblem('a\u2066b')).toMatch(/bidirectional/);
    expect(nameProblem('Émile Zola — 東京')).toBeUndefined();
  });

  it('lets multi-line text keep tabs and line breaks', () => {
    expect(multilineTextProblem('line one\r\n\tline two')).toBeUndefined();
    expect(multilineTextProblem('bell\u0007')).toMatch(/control/);
  });

  it('safeName trims, bounds the length and names the field in its messages', () => {
    const schema = safeName({ field: 'role_name', max: 10 });
    expect(schema.parse('  Admin ')).toBe('Admin');
    expect(schema.safeParse('').error?.issues[0]?.message).toBe('role_name must be 1 to 10 characters');
    expect(schema.safeParse('x'.repeat(11)).error?.issues[0]?.message).toMatch(/1 to 10/);
    expect(schema.safeParse('a\u0000b').error?.issues[0]?.message).toMatch(
      /^role_name must not contain a NUL/,
    );
    expect(schema.safeParse(42).error?.issues[0]?.message).toBe('role_name must be a string');
    expect(safeMultilineText({ field: 'description' }).safeParse('a\u202eb').success).toBe(true);
  });

  it('decodes valid UTF-8 and refuses invalid bytes instead of replacing them', () => {
    expect(decodeUtf8(Buffer.from('héllo 😀'))).toBe('héllo 😀');
    expect(decodeUtf8(Buffer.from([0x61, 0xff, 0x62]))).toBeUndefined();
    expect(decodeUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBeUndefined(); // an encoded surrogate
    expect(decodeUtf8(Buffer.from([0xc0, 0xaf]))).toBeUndefined(); // overlong
  });
});
