import { PublisherCache } from './publisher-cache';

describe('the publisher cache of the proxy', () => {
  it('reuses a publisher for its time to live, then reads it again', async () => {
    const cache = new PublisherCache(1_000);
    let reads = 0;
    const load = async () => ++reads;
    expect(await cache.get('p', load, 0)).toBe(1);
    expect(await cache.get('p', load, 999)).toBe(1);
    expect(await cache.get('p', load, 1_000)).toBe(2);
    expect(await cache.get('q', load, 1_000)).toBe(3);
  });

  it('reads on every call with a time to live of 0', async () => {
    const cache = new PublisherCache(0);
    let reads = 0;
    const load = async () => ++reads;
    await cache.get('p', load);
    await cache.get('p', load);
    expect(reads).toBe(2);
  });

  it('forgets a publisher and its opened secrets at once, and nothing of other publishers', async () => {
    const cache = new PublisherCache(30_000);
    let reads = 0;
    const publisher = (id: string) => async () => ({ id, read: ++reads });
    await cache.get('publisher:alpha', publisher('a'), 0);
    await cache.get('secrets:a:alpha', async () => ({ read: ++reads }), 0);
    await cache.get('publisher:beta', publisher('b'), 0);
    cache.forget('a');
    expect(await cache.get('publisher:alpha', publisher('a'), 1)).toEqual({ id: 'a', read: 4 });
    expect(await cache.get('secrets:a:alpha', async () => ({ read: ++reads }), 1)).toEqual({ read: 5 });
    expect(await cache.get('publisher:beta', publisher('b'), 1)).toEqual({ id: 'b', read: 3 });
  });

  it('forgets that a slug named no publisher once a publisher is made with it (any case)', async () => {
    const cache = new PublisherCache(30_000);
    const table: { row?: { id: string } } = {};
    const load = async () => table.row;
    expect(await cache.get('publisher:Gamma', load, 0)).toBeUndefined();
    table.row = { id: 'g' };
    expect(await cache.get('publisher:Gamma', load, 1)).toBeUndefined();
    cache.forget('g', 'gamma');
    expect(await cache.get('publisher:Gamma', load, 2)).toEqual({ id: 'g' });
  });

  it('does not keep a read that began before the publisher changed', async () => {
    const cache = new PublisherCache(30_000);
    let release!: () => void;
    const slow = cache.get(
      'publisher:delta',
      () =>
        new Promise<{ id: string; price: number }>(
          (resolve) => (release = () => resolve({ id: 'd', price: 1 })),
        ),
      0,
    );
    cache.forget('d');
    release();
    expect(await slow).toEqual({ id: 'd', price: 1 });
    expect(await cache.get('publisher:delta', async () => ({ id: 'd', price: 2 }), 1)).toEqual({
      id: 'd',
      price: 2,
    });
  });
});
