import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { startContentService, type ContentService } from '../service';
import { startContentChild } from '../test-support/content-process';

// Generation survives its worker dying: a content process runs a content_generation job against a
// slow OpenAI-compatible server (started here: about a second per model call, so the job is
// caught mid-way), is SIGKILLed while a section is being written, and another instance (same
// database, same task queue) finishes the job once the step's heartbeats stop. The outline is not
// asked again (its result is in the workflow's history); the post is recorded once.

describe('generation survives a worker killed mid-job', () => {
  let child: ChildProcess | undefined;
  let survivor: ContentService | undefined;
  let model: Server;
  const asked: string[] = [];

  beforeAll(async () => {
    model = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        const body = JSON.parse(text) as {
          model: string;
          response_format?: { json_schema?: { schema: { properties?: object } } };
        };
        const properties = Object.keys(body.response_format?.json_schema?.schema.properties ?? {});
        const kind = properties.includes('sections')
          ? 'outline'
          : properties.includes('introduction')
            ? 'frame'
            : 'section';
        asked.push(kind);
        const object =
          kind === 'outline'
            ? {
                title: 'Surviving workers',
                sections: [{ heading: 'One' }, { heading: 'Two' }, { heading: 'Three' }],
              }
            : kind === 'frame'
              ? {
                  introduction: 'Intro.',
                  conclusion: 'Done.',
                  meta_description: 'About workers.',
                  meta_keywords: ['temporal'],
                }
              : { heading: 'A section', content: 'Durable execution resumes where it stopped.' };
        setTimeout(() => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({
              id: 'c',
              object: 'chat.completion',
              created: 1,
              model: body.model,
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: JSON.stringify(object) },
                  finish_reason: 'stop',
                },
              ],
            }),
          );
        }, 1_000);
      });
    });
    await new Promise<void>((r) => model.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await survivor?.close();
    await new Promise<void>((r) => model.close(() => r()));
  });

  it('a second instance finishes the job the killed one started; PostGenerated is appended once', async () => {
    const env = testServiceEnv('content', {
      env: {
        SERELO_MODEL_PROVIDER: 'openai-compatible',
        SERELO_MODEL_BASE_URL: `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`,
        SERELO_MODEL: 'slow-model',
      },
    });
    const started = await startContentChild(env);
    child = started.child;
    const headers = await asCaller({ subject: randomUUID() });
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
    const accepted = await graphql<{ generatePost: { jobId: string } }>(
      started.url,
      `
        mutation ($p: ID!) {
          generatePost(input: { projectId: $p, topic: "Workers that die", voice: "technical" }) {
            jobId
          }
        }
      `,
      { p: project.data!.createProject.id },
      headers,
    );
    const jobId = accepted.data!.generatePost.jobId;
    const jobOn = async (url: string) =>
      (
        await graphql<{ job: { status: string; progress: number; result: { post_id: string } | null } }>(
          url,
          `
            query ($id: ID!) {
              job(id: $id) {
                status
                progress
                result
              }
            }
          `,
          { id: jobId },
          headers,
        )
      ).data?.job;
    // wait until the outline is done and a section is being written, then kill the process
    const deadline = Date.now() + 30_000;
    while (((await jobOn(started.url))?.progress ?? 0) < 10 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect((await jobOn(started.url))?.progress).toBeGreaterThanOrEqual(10);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect((await jobOn(started.url).catch(() => undefined))?.status).toBeUndefined(); // it is gone

    survivor = await startContentService(env);
    const until = Date.now() + 60_000;
    let job = await jobOn(survivor.url);
    while (job?.status !== 'completed' && job?.status !== 'failed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      job = await jobOn(survivor.url);
    }
    expect(job).toMatchObject({ status: 'completed', progress: 100 });
    expect(asked.filter((k) => k === 'outline')).toHaveLength(1);
    expect(asked.filter((k) => k === 'frame')).toHaveLength(1);
    expect(asked.filter((k) => k === 'section').length).toBeGreaterThanOrEqual(3);
    const { events } = await survivor.eventStore.readStream(`post-${job!.result!.post_id}`);
    expect(events.map((e) => e.type)).toEqual(['PostGenerationRequested', 'PostGenerated']);
  });
});
