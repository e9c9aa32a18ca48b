import { startCommerceService, type CommerceService } from '../../service.js';

/**
 * For startServiceChild: commerce whose clock reads `COMMERCE_TEST_CLOCK` (an ISO instant) when it
 * starts and runs on from there, so a child process can schedule a downgrade seconds before a
 * period's end (tests only: production's clock is the machine's).
 */
export async function startCommerceAtClock(
  env: Record<string, string | undefined>,
): Promise<CommerceService> {
  const service = await startCommerceService(env);
  const clock = Date.parse(env.COMMERCE_TEST_CLOCK ?? '');
  if (Number.isNaN(clock)) throw new Error('COMMERCE_TEST_CLOCK: an ISO instant');
  const started = Date.now();
  service.application.now = () => new Date(clock + (Date.now() - started));
  return service;
}
