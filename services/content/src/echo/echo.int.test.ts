import { anonymous, handle } from '@seren/service-kit';
import { testServiceEnv, workflowKit, type WorkflowKit } from '@seren/testing';
import { contentActivities } from '../activities';
import { startContentService, type ContentService } from '../service';
import { echoDecider } from './decide';
import { findEcho, type EchoView } from './queries';
import { requestEcho } from './service';
import type { echo } from './workflows';

const request = { caller: anonymous, requestId: 'test-request' };

async function replied(service: ContentService, echoId: string, timeoutMs = 30_000): Promise<EchoView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await findEcho(service.application, echoId);
    if (view?.status === 'replied' || Date.now() > deadline) return view!;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the echo workflow (the template worked example) on the real Temporal server', () => {
  let service: ContentService;
  let kit: WorkflowKit;

  beforeAll(async () => {
    service = await startContentService(testServiceEnv('content'));
    kit = await workflowKit();
  });
  afterAll(async () => {
    await kit?.close();
    await service?.close();
  });

  it("reaches the read model through the event its activity appends, on the service's own worker", async () => {
    const { echoId } = await requestEcho(service.application, request, 'hello, Serelo');
    expect((await findEcho(service.application, echoId))?.status).toBe('requested');

    const view = await replied(service, echoId);
    expect(view).toMatchObject({ status: 'replied', message: 'hello, Serelo', reply: 'hello, Serelo' });
    const { events } = await service.eventStore.readStream(`echo-${echoId}`);
    expect(events.map((event) => [event.type, event.metadata.actor])).toEqual([
      ['EchoRequested', 'anonymous'],
      ['EchoReplied', 'workflow:echo'],
    ]);
  });

  it('retries a failing activity, and the retry appends the reply once', async () => {
    const real = contentActivities(service.application);
    let attempts = 0;
    const flaky = {
      replyToEcho: async (echoId: string, reply: string) => {
        attempts += 1;
        if (attempts === 1) throw new Error('the database blinked');
        return real.replyToEcho(echoId, reply);
      },
    };
    const { echoId } = await recordRequest(service, 'twice?');
    const result = await kit.withWorker(
      { workflowsPath: require.resolve('../workflows'), activities: flaky },
      ({ client, taskQueue }) =>
        client.workflow.execute<typeof echo>('echo', {
          taskQueue,
          workflowId: `echo-${echoId}`,
          args: [{ echoId, message: 'twice?' }],
        }),
    );
    expect(result).toBe('twice?');
    expect(attempts).toBe(2);
    expect((await findEcho(service.application, echoId))?.status).toBe('replied');
    const { events } = await service.eventStore.readStream(`echo-${echoId}`);
    expect(events.map((event) => event.type)).toEqual(['EchoRequested', 'EchoReplied']);
  });
});

/** The request's event alone (no workflow started), so the test runs the workflow on its own worker. */
async function recordRequest(service: ContentService, message: string): Promise<{ echoId: string }> {
  const echoId = `kit-${Date.now().toString(36)}`;
  await handle(
    service.application,
    undefined,
    `echo-${echoId}`,
    echoDecider,
    { type: 'RequestEcho', echoId, message, now: new Date().toISOString() },
    { actor: 'test' },
  );
  return { echoId };
}
