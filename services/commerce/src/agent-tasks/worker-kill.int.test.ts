import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { asCaller, graphql, startServiceChild, testServiceEnv } from '@seren/testing';
import type { ProxyPublisher } from '../publishers/index.js';
import { startCommerceService, type CommerceService } from '../service';
import { startAgentTask } from './index.js';
import { startTestAgent, type TestAgent } from './test-support/a2a-agent.js';

// A task survives the death of the worker following it: the workflow runs on a task queue that
// only commerce child processes poll; the one following the task is SIGKILLed mid-task, another
// starts, and after the heartbeat timeout Temporal hands it the activity again. The new attempt
// reads the remote task and resubscribes by its id: the agent never gets the message twice, no
// status is recorded twice, and the task ends as the agent ends it.

const EVENTS = `query ($id: ID!) { agentTaskEvents(organizationId: "default", taskId: $id) { sequence eventType status data } }`;
const GET = `query ($id: ID!) { agentTask(organizationId: "default", taskId: $id) { status remoteTaskId costAtomic } }`;

describe('agent task workflows across a worker crash', () => {
  let api: CommerceService;
  let agent: TestAgent;
  const children: ChildProcess[] = [];
  const env = testServiceEnv('commerce', { env: { OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8,::1/128' } });
  const workerQueue = env.COMMERCE_TASK_QUEUE!;

  const startWorker = () =>
    startServiceChild({
      name: 'commerce worker',
      module: resolve(__dirname, '../service.ts'),
      start: 'startCommerceService',
      env,
    }).then(({ child }) => {
      children.push(child);
      return child;
    });

  beforeAll(async () => {
    agent = await startTestAgent();
    // this process serves reads and starts tasks; its own worker polls another queue
    api = await startCommerceService({ ...env, COMMERCE_TASK_QUEUE: `${workerQueue}-api` });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await api?.close();
    await agent?.close();
  });

  it('a SIGKILLed worker mid-task: another picks it up, nothing sent or recorded twice', async () => {
    const first = await startWorker();
    const organizationId = `org-${randomUUID()}`;
    const headers = await asCaller({ subject: `user-${organizationId}`, organizationId });
    const publisher = {
      id: randomUUID(),
      slug: `agent-${randomUUID().slice(0, 8)}`,
      integrationType: 'agent',
      pricing: {},
      upstream: { a2aEndpointUrl: agent.url },
    } as unknown as ProxyPublisher;
    // started as the proxy starts one, on the queue only the children poll
    const { taskId } = await startAgentTask(
      { ...api.application, taskQueue: workerQueue },
      { publisher, organizationId, agentId: null, message: 'slow 60 500' },
    );
    const events = async () =>
      (
        await graphql<{
          agentTaskEvents: {
            sequence: number;
            eventType: string;
            status: string;
            data: { message?: { parts: { text: string }[] } };
          }[];
        }>(api.url, EVENTS, { id: taskId }, headers)
      ).data!.agentTaskEvents;
    const stepsOf = (list: Awaited<ReturnType<typeof events>>) =>
      list
        .map((e) => e.data.message?.parts[0]?.text)
        .filter((text): text is string => typeof text === 'string' && text.startsWith('step'))
        .map((text) => Number(text.split(' ')[1]));

    // the first worker follows it for a few steps, then dies without a word
    for (let i = 0; i < 200 && stepsOf(await events()).length < 3; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(stepsOf(await events()).length).toBeGreaterThanOrEqual(3);
    first.kill('SIGKILL');
    await startWorker();

    let status = '';
    for (let i = 0; i < 1200 && status !== 'completed'; i++) {
      status = (await graphql<{ agentTask: { status: string } }>(api.url, GET, { id: taskId }, headers)).data!
        .agentTask.status;
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('completed');
    expect(agent.received).toEqual([taskId]);
    const all = await events();
    expect(all.map((e) => e.sequence)).toEqual(all.map((_, i) => i + 1));
    const steps = stepsOf(all);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(60);
    expect(all.at(-1)).toMatchObject({ eventType: 'finished', status: 'completed' });
    expect(all.filter((e) => e.eventType === 'finished')).toHaveLength(1);
  }, 180_000);
});
