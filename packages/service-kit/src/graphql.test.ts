import { batchLoader, mergeResolvers } from './graphql';

describe('batchLoader', () => {
  it('reads the keys asked for in one tick with one call, and absent ones as undefined', async () => {
    const calls: string[][] = [];
    const users = batchLoader(async (ids: readonly string[]) => {
      calls.push([...ids]);
      return new Map(ids.filter((id) => id !== 'gone').map((id) => [id, { id }]));
    });
    const loaded = await Promise.all([users.load('a'), users.load('b'), users.load('a'), users.load('gone')]);
    expect(loaded).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'a' }, undefined]);
    expect(calls).toEqual([['a', 'b', 'gone']]);
  });

  it('names composite keys with keyOf', async () => {
    const roles = batchLoader(
      async (keys: readonly { org: string; role: string }[]) =>
        new Map(keys.map((k) => [`${k.org}/${k.role}`, `${k.role}@${k.org}`])),
      (key) => `${key.org}/${key.role}`,
    );
    expect(
      await Promise.all([roles.load({ org: 'o1', role: 'admin' }), roles.load({ org: 'o2', role: 'admin' })]),
    ).toEqual(['admin@o1', 'admin@o2']);
  });
});

describe('mergeResolvers', () => {
  it('merges the features’ maps type by type', () => {
    const a = () => 'a';
    const b = () => 'b';
    expect(mergeResolvers({ Query: { a } }, { Query: { b }, User: { a } })).toEqual({
      Query: { a, b },
      User: { a },
    });
  });
});
