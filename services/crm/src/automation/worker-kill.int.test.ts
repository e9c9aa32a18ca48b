import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { asCaller, freshConsumerGroup, graphql, startServiceChild, testServiceEnv } from '@seren/testing';
import { startCrmService, type CrmService } from '../service';

// An execution's wait is a durable timer: a crm process starts an execution that waits 8 s, is
// SIGKILLed while it waits, and another instance (same database, same task queue) takes the
// workflow over when the timer fires: the step after the wait runs once, and every event of the
// execution is appended once.

describe('a workflow execution survives its worker killed mid-wait', () => {
  let child: ChildProcess | undefined;
  let survivor: CrmService | undefined;
  const location = `loc-kill-${Date.now().toString(36)}`;

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await survivor?.close();
  });

  it('the next worker resumes at the timer and completes the execution; no event twice', async () => {
    const env = testServiceEnv('crm', {
      env: {
        AUTOMATION_TRIGGERS_GROUP: await freshConsumerGroup('crm.automation-triggers'),
        LOCATION_DEFAULTS_GROUP: await freshConsumerGroup('crm.location-defaults'),
        WEBHOOKS_GROUP: await freshConsumerGroup('crm.webhooks'),
      },
    });
    const started = await startServiceChild({
      name: 'crm',
      module: join(__dirname, '../service.ts'),
      start: 'startCrmService',
      env,
    });
    child = started.child;
    const headers = await asCaller({
      subject: 'key-1',
      kind: 'agent',
      via: 'api_key',
      authClass: 'Location',
      organizationId: location,
      resourceId: location,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the answers' fields freely
    const ok = async (url: string, query: string, variables = {}): Promise<Record<string, any>> => {
      const answer = await graphql(url, query, variables, headers);
      if (answer.errors?.length) throw new Error(JSON.stringify(answer.errors));
      return answer.data as Record<string, unknown>;
    };
    const contactId = (
      await ok(started.url, `mutation { createContact(input: { email: "kill@example.com" }) { id } }`)
    ).createContact.id;
    const workflowId = (
      await ok(started.url, `mutation($i: WorkflowInput!) { createWorkflow(input: $i) { id } }`, {
        i: {
          name: 'Wait then tag',
          steps: [
            { type: 'wait', seconds: 8 },
            { type: 'add_tag', tags: ['resumed'] },
          ],
        },
      })
    ).createWorkflow.id;
    await ok(started.url, `mutation($id: ID!) { publishWorkflow(id: $id) { version } }`, { id: workflowId });
    const executionId = (
      await ok(
        started.url,
        `mutation($w: ID!, $c: ID!) { executeWorkflow(id: $w, contactId: $c) { executionId } }`,
        {
          w: workflowId,
          c: contactId,
        },
      )
    ).executeWorkflow.executionId;
    const statusOn = async (url: string) =>
      (
        await graphql<{ workflowExecution: { status: string } }>(
          url,
          `
            query ($id: ID!) {
              workflowExecution(id: $id) {
                status
              }
            }
          `,
          { id: executionId },
          headers,
        ).catch(() => undefined)
      )?.data?.workflowExecution?.status;
    const deadline = Date.now() + 30_000;
    while ((await statusOn(started.url)) !== 'waiting' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await statusOn(started.url)).toBe('waiting');

    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(await statusOn(started.url)).toBeUndefined(); // it is gone

    survivor = await startCrmService(env);
    const until = Date.now() + 90_000;
    let status = await statusOn(survivor.url);
    while (status !== 'completed' && status !== 'failed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      status = await statusOn(survivor.url);
    }
    expect(status).toBe('completed');
    const contact = await ok(survivor.url, `query($id: ID!) { contact(id: $id) { tags } }`, {
      id: contactId,
    });
    expect(contact.contact.tags).toEqual(['resumed']);
    const { events } = await survivor.eventStore.readStream(`workflow-execution-${executionId}`);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'ExecutionStepRecorded',
      'ExecutionWaitStarted',
      'ExecutionResumed',
      'ExecutionStepRecorded',
      'ExecutionCompleted',
    ]);
  }, 180_000);
});
