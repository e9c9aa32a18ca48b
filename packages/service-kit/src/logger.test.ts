import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('never writes secrets, wherever they sit in the logged object', () => {
    const { lines, stream } = capture();
    const logger = createLogger('identity', 'info', stream);
    logger.info(
      {
        password: 'hunter2!A',
        body: { api_key: 'sk_live_secret', refresh_token: 'rt-secret', recovery_code: 'ABCD-EFGH' },
        req: { headers: { authorization: 'Bearer abc.def.ghi' } },
      },
      'login',
    );
    const text = lines.join('');
    for (const secret of ['hunter2!A', 'sk_live_secret', 'rt-secret', 'ABCD-EFGH', 'abc.def.ghi']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(JSON.parse(lines[0]!)).toMatchObject({ service: 'identity', level: 'info', msg: 'login' });
  });
});
