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

  it("never writes a publisher's upstream credentials (commerce), by their REST or GraphQL names", () => {
    const { lines, stream } = capture();
    const logger = createLogger('commerce', 'info', stream);
    logger.info(
      {
        upstream_api_key: 'sk_up_1',
        input: {
          upstreamApiKey: 'sk_up_2',
          connectionString: 'postgresql://u:pw-3@h/db',
          apiHeaders: { 'X-A': 'hdr-4' },
        },
        body: {
          oauth2_client_secret: 'cs-5',
          database_config: { connection_string: 'postgresql://u:pw-6@h/db' },
        },
      },
      'create publisher',
    );
    const text = lines.join('');
    for (const secret of ['sk_up_1', 'sk_up_2', 'pw-3', 'hdr-4', 'cs-5', 'pw-6'])
      expect(text).not.toContain(secret);
  });
});
