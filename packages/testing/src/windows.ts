/**
 * Waits, when needed, so that the next `neededMs` fall inside one fixed window of `windowMs` (the
 * gateway's rate-limit windows start at multiples of their length since the epoch). A test that
 * counts requests up to a limit calls it first, so a window turning mid-test cannot reset its count.
 * Waits at most `neededMs`.
 */
export async function withinOneWindow(windowMs: number, neededMs: number, now = Date.now()): Promise<void> {
  if (neededMs >= windowMs) throw new Error(`${neededMs} ms never fit in a window of ${windowMs} ms`);
  const left = windowMs - (now % windowMs);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 5));
}
