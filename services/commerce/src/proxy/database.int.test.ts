import { outboundPolicy } from '@seren/outbound';
import { infraEndpoints } from '@seren/testing';
import { Client } from 'pg';
import { guardedSocket } from './database';

// A database publisher's host is checked at every connect, not only when its pool is made: the
// pool's sockets resolve the name through the outbound policy (a name rebinding to a private
// address after the check is refused when the connection is made).

describe("database publishers' connections are checked at connect time", () => {
  const url = new URL(infraEndpoints().databaseUrl);
  const connect = async (host: string, policy: ReturnType<typeof outboundPolicy>) => {
    const target = new URL(url);
    target.hostname = host;
    const client = new Client({ connectionString: target.toString(), stream: guardedSocket(policy) });
    try {
      await client.connect();
      return (await client.query<{ one: number }>('select 1 as one')).rows[0]!.one;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  it('connects where the policy permits the address', async () => {
    expect(await connect('127.0.0.1', outboundPolicy(['127.0.0.0/8']))).toBe(1);
    expect(await connect('localhost', outboundPolicy(['127.0.0.0/8', '::1/128']))).toBe(1);
  });

  it('refuses a private address at connect time, by IP literal or by a name resolving to it', async () => {
    await expect(connect('127.0.0.1', outboundPolicy([]))).rejects.toMatchObject({ code: 'EOUTBOUNDREFUSED' });
    await expect(connect('localhost', outboundPolicy([]))).rejects.toMatchObject({ code: 'EOUTBOUNDREFUSED' });
  });
});
