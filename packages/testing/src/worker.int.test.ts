// The Temporal worker startDomainService runs, when Temporal is not there (yet): the service starts,
// readiness says the worker is down, and shutdown does not wait on the connection attempts.
import { startDomainService } from '@seren/service-kit';
import * as activities from './fixtures/activities.js';
import { testServiceEnv } from './service-env.js';

describe('a domain service whose Temporal is unreachable', () => {
  it('starts, reports the worker down in readiness, and shuts down promptly', async () => {
    const service = await startDomainService({
      name: 'commerce',
      defaultPort: 0,
      env: testServiceEnv('commerce', { embedded: true, env: { TEMPORAL_ADDRESS: '127.0.0.1:9' } }),
      worker: { workflowsPath: require.resolve('./fixtures/workflows'), activities: () => activities },
    });
    try {
      const response = await fetch(`${service.url}/readyz`);
      const body = (await response.json()) as { checks: Record<string, string> };
      expect(response.status).toBe(503);
      expect(body.checks).toMatchObject({ postgres: 'up', worker: 'down: connecting' });
      expect(body.checks.temporal).toMatch(/^down/);
    } finally {
      const started = Date.now();
      await service.close();
      expect(Date.now() - started).toBeLessThan(3_000);
    }
  });
});
