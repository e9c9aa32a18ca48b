import type { DomainService } from '@seren/service-kit';
import { testServiceEnv } from './service-env.js';

/**
 * What every domain service promises on the platform, checked against the real servers: it starts
 * with a fresh database of its own, answers liveness, and is ready once PostgreSQL, Kafka and
 * Temporal answer. Each service's `service.int.test.ts` calls this with its own start function.
 */
export function describeDomainService(
  name: string,
  start: (env: Record<string, string | undefined>) => Promise<DomainService>,
): void {
  describe(`${name} service on the real infrastructure`, () => {
    let service: DomainService;

    beforeAll(async () => {
      service = await start(testServiceEnv(name));
    });
    afterAll(() => service?.close());

    it('answers liveness', async () => {
      const response = await fetch(`${service.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', service: name });
    });

    it('is ready once PostgreSQL, Kafka and Temporal answer', async () => {
      const response = await fetch(`${service.url}/readyz`);
      const body = (await response.json()) as { checks: Record<string, string> };
      expect(body.checks).toEqual({ postgres: 'up', temporal: 'up', kafka: 'up' });
      expect(response.status).toBe(200);
    });

    it('created its own database on demand', async () => {
      const rows = (await service.dataSource.query('select current_database() as name')) as {
        name: string;
      }[];
      expect(rows).toEqual([{ name: service.config.database }]);
      expect(service.config.database).toMatch(new RegExp(`^test_${name}_`));
    });
  });
}
