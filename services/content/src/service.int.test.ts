import { testServiceEnv } from '@seren/testing';
import type { DomainService } from '@seren/service-kit';
import { startContentService } from './service';

describe('content service on the real infrastructure', () => {
  let service: DomainService;

  beforeAll(async () => {
    service = await startContentService(testServiceEnv('content'));
  });
  afterAll(() => service?.close());

  it('answers liveness', async () => {
    const response = await fetch(`${service.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'content' });
  });

  it('is ready once PostgreSQL, Kafka and Temporal answer', async () => {
    const response = await fetch(`${service.url}/readyz`);
    const body = await response.json();
    expect(body.checks).toEqual({ postgres: 'up', temporal: 'up', kafka: 'up' });
    expect(response.status).toBe(200);
  });

  it('created its own database on demand', async () => {
    const [row] = await service.dataSource.query('select current_database() as name');
    expect(row.name).toBe(service.config.database);
    expect(row.name).toMatch(/^test_content_/);
  });
});
