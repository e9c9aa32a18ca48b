import { PublisherCache } from './settings';

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
});
