import { Wakeup } from './wakeup.js';

describe('Wakeup', () => {
  it('ends a wait early when notified', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    setTimeout(() => wakeup.notify(), 20);
    await wakeup.wait(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('keeps a notification that arrived while nobody waited', async () => {
    const wakeup = new Wakeup();
    wakeup.notify();
    const started = Date.now();
    await wakeup.wait(5_000);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('times out without a notification, and a late notification is kept for the next wait', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    await wakeup.wait(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    wakeup.notify();
    const again = Date.now();
    await wakeup.wait(5_000);
    expect(Date.now() - again).toBeLessThan(100);
  });
});
