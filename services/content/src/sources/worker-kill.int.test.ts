import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { startContentService, type ContentService } from '../service';
import { startContentChild } from '../test-support/content-process';
import { largePdf } from './test-support/documents';

// Parsing survives its worker dying: a content process parses a large PDF, is SIGKILLed while the
// source is `parsing`, and another instance (same database, same task queue) finishes it once
// Temporal sees the attempt's heartbeats stop. The source ends parsed, recorded once.

describe('parsing survives a worker killed mid-parse', () => {
  let child: ChildProcess | undefined;
  let survivor: ContentService | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await survivor?.close();
  });

  it('a second instance finishes the parse the killed one started; SourceParsed is appended once', async () => {
    const env = testServiceEnv('content');
    const started = await startContentChild(env);
    child = started.child;
    const user = randomUUID();
    const headers = await asCaller({ subject: user });
    const project = await graphql<{ createProject: { id: string } }>(
      started.url,
      `
        mutation {
          createProject(name: "Kill test") {
            id
          }
        }
      `,
      {},
      headers,
    );
    const pdf = largePdf(8 * 1024 * 1024);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)]), 'large.pdf');
    const response = await fetch(
      `${started.url}/internal/sources/projects/${project.data!.createProject.id}/sources`,
      {
        method: 'POST',
        headers,
        body: form,
      },
    );
    const uploaded = (await response.json()) as { id: string };
    expect([response.status, uploaded]).toEqual([201, expect.objectContaining({ status: 'uploaded' })]);
    const { id } = uploaded;

    const statusOn = async (url: string) => {
      const r = await graphql<{ source: { status: string } }>(
        url,
        `
          query ($id: ID!) {
            source(id: $id) {
              status
            }
          }
        `,
        { id },
        headers,
      );
      if (r.errors || !r.data) throw new Error(`source: ${JSON.stringify(r)}`);
      return r.data?.source.status;
    };
    const deadline = Date.now() + 30_000;
    while ((await statusOn(started.url)) !== 'parsing' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await statusOn(started.url)).toBe('parsing');
    await new Promise((r) => setTimeout(r, 500)); // well into extracting the text
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    survivor = await startContentService(env);
    const until = Date.now() + 180_000;
    let status = await statusOn(survivor.url);
    while (status !== 'parsed' && status !== 'failed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      status = await statusOn(survivor.url);
    }
    expect(status).toBe('parsed');
    const { events } = await survivor.eventStore.readStream(`source-${id}`);
    expect(events.map((e) => e.type)).toEqual(['SourceUploaded', 'SourceParsingStarted', 'SourceParsed']);
    const history = await survivor.application.workflows.workflow
      .getHandle(`source-parsing-${id}`)
      .fetchHistory();
    const failedAttempts = history.events?.filter((e) => e.activityTaskTimedOutEventAttributes).length ?? 0;
    const retried = history.events?.some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    // the killed attempt timed out on its heartbeat and a later attempt (on the survivor) completed
    expect(failedAttempts + (retried ? 1 : 0)).toBeGreaterThan(0);
  }, 300_000);
});
