import type { ApplicationContext, DomainService } from '@seren/service-kit';
import { testServiceEnv } from './service-env.js';

/**
 * What every domain service promises on the platform, checked against the real servers: it starts
 * with a fresh database of its own, answers liveness, and is ready once PostgreSQL, Kafka and
 * Temporal answer and (with `worker`) its Temporal worker polls the service's task queue. Each
 * service's `service.int.test.ts` calls this with its own start function.
 */
export function describeDomainService(
  name: string,
  start: (env: Record<string, string | undefined>) => Promise<DomainService<ApplicationContext>>,
  options: { worker?: boolean } = {},
): void {
  describe(`${name} service on the real infrastructure`, () => {
    let service: DomainService<ApplicationContext>;
    const env = testServiceEnv(name);

    beforeAll(async () => {
      service = await start(env);
    });
    afterAll(() => service?.close());

    it('answers liveness', async () => {
      const response = await fetch(`${service.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', service: name });
    });

    const expected = options.worker
      ? 'PostgreSQL, Kafka, Temporal and its worker'
      : 'PostgreSQL, Kafka and Temporal';
    it(`is ready once ${expected} answer`, async () => {
      // the worker connects in the background after start: wait for it, then check every state
      const response = await readyWithin(service.url, 30_000);
      const body = (await response.json()) as { checks: Record<string, string> };
      expect(body.checks).toEqual({
        postgres: 'up',
        temporal: 'up',
        kafka: 'up',
        ...(options.worker ? { worker: 'up' } : {}),
      });
      expect(response.status).toBe(200);
    });

    if (options.worker) {
      it('runs its worker on the task queue its configuration names', async () => {
        expect(service.worker?.taskQueue).toBe(env[`${name.toUpperCase()}_TASK_QUEUE`]);
        await expect(service.worker?.running).resolves.toBeUndefined();
      });
    }

    it('created its own database on demand', async () => {
      const rows = (await service.dataSource.query('select current_database() as name')) as {
        name: string;
      }[];
      expect(rows).toEqual([{ name: service.config.database }]);
      expect(service.config.database).toMatch(new RegExp(`^test_${name}_`));
    });
  });
}

/** `/readyz` once it answers 200, or its last answer when `timeoutMs` passed. */
async function readyWithin(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/readyz`);
    if (response.status === 200 || Date.now() > deadline) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
