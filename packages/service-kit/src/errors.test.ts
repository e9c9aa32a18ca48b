import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, domainErrorsOf, isDomainError } from './errors';

describe('@seren/service-kit/errors', () => {
  it('is its own entry that imports nothing (decide.ts and workflow code load it alone)', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; default: string }>;
    };
    expect(manifest.exports['./errors']).toEqual({
      types: './dist/errors.d.ts',
      default: './dist/errors.js',
    });
    const source = readFileSync(join(__dirname, 'errors.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\s|require\(/m);
  });

  it('types reasons per service and tells them apart', () => {
    const errors = domainErrorsOf<'CONTACT_EXISTS' | 'INVALID_PHONE'>();
    const error = errors.conflict('a contact with this email exists', {
      reason: 'CONTACT_EXISTS',
      email: 'a@b.c',
    });
    expect(error).toBeInstanceOf(DomainError);
    expect(isDomainError(error)).toBe(true);
    expect(error.code).toBe('CONFLICT');
    expect(error.reason).toBe('CONTACT_EXISTS');
    expect(error.details).toEqual({ reason: 'CONTACT_EXISTS', email: 'a@b.c' });
    expect(errors.is(error, 'CONTACT_EXISTS')).toBe(true);
    expect(errors.is(error, 'INVALID_PHONE')).toBe(false);
    expect(errors.is(new Error('x'), 'CONTACT_EXISTS')).toBe(false);
    expect(errors.notFound('contact').message).toBe('contact not found');
  });
});
