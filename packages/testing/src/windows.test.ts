import { withinOneWindow } from './windows';

describe('withinOneWindow', () => {
  it('returns at once when enough of the window is left', async () => {
    const started = Date.now();
    await withinOneWindow(60_000, 1_000, 1_700_000_000_000); // 40 s of the window left
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('waits for the next window when too little is left', async () => {
    const started = Date.now();
    await withinOneWindow(60_000, 1_000, 1_700_000_040_000 - 200); // 200 ms left
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('refuses a need no window can hold', async () => {
    await expect(withinOneWindow(1_000, 1_000)).rejects.toThrow(/never fit/);
  });
});
