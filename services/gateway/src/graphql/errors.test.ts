import { withoutStackTraces } from './errors';

describe('withoutStackTraces', () => {
  it("drops a subgraph's stack trace and exception and keeps the codes the edge maps", () => {
    const error = {
      message: 'Forbidden',
      path: ['createAgency'],
      extensions: {
        code: 'FORBIDDEN',
        reason: 'API_KEY_NOT_ALLOWED',
        serviceName: 'identity',
        stacktrace: ['DomainError: Forbidden', '    at /work/main/services/identity/src/service.ts:10:5'],
        exception: { stacktrace: ['at x'] },
      },
    };
    expect(withoutStackTraces(error)).toEqual({
      message: 'Forbidden',
      path: ['createAgency'],
      extensions: { code: 'FORBIDDEN', reason: 'API_KEY_NOT_ALLOWED', serviceName: 'identity' },
    });
  });

  it('leaves an error without a trace as it is', () => {
    const error = { message: 'Not found', extensions: { code: 'NOT_FOUND' } };
    expect(withoutStackTraces(error)).toBe(error);
  });
});
