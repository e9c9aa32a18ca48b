// Agent task streams benchmark (bench/README.md, "Agent task streams"): BENCH_STREAMS (1,000) tasks
// each followed by one SSE client at once, while their events are appended at a steady rate; how
// long from an event's append (its transaction, projection and NOTIFY) to its frame at the client.
//
// The tasks are made and moved with commerce's own application functions (CreateAgentTask through
// the task's decider, recordAgentTaskProgress for each status, finishAgentTask at the end): what
// the workflow's activities call for each status an agent reports. No A2A agent runs: the A2A side
// and Temporal are measured by the tests, here it is the stream's fan-out. Each of BENCH_EVENTS (5)
// rounds appends one status to every task, spread evenly over BENCH_ROUND_MS (2,000), from
// BENCH_WRITERS (16) writers; then each task is finished and its stream must end.
//
// Scenarios: "direct" (clients to commerce's internal route), "gateway" (clients to the public
// path on the gateway: API key → identity, forward). Commerce, identity and the gateway in this
// process on the infra servers (PostgreSQL, Temporal; embedded event mode); the clients in a child
// process (clients.ts). Checked: every stream got every event once, in order, and ended after
// `finished`. Run: npm run bench:sse --workspace @seren/commerce (builds first); BENCH_ONLY=direct|gateway.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startCommerceService } from '@seren/commerce';
import { agentTaskDecider } from '@seren/commerce/dist/agent-tasks/decide.js';
import { finishAgentTask, recordAgentTaskProgress } from '@seren/commerce/dist/agent-tasks/service.js';
import { agentTaskStream } from '@seren/commerce/dist/agent-tasks/task.js';
import { startContentService } from '@seren/content';
import { loadGatewayConfig, startGateway } from '@seren/gateway';
import { startIdentityService } from '@seren/identity';
import { asCaller, testServiceEnv } from '@seren/testing';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const ONLY = process.env.BENCH_ONLY;
const quiet = { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error' };

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const epoch = () => performance.timeOrigin + performance.now();

interface Done {
  type: 'done';
  latencies: number[];
  arrivals: [string, number, number][];
  streams: number;
  inOrder: number;
  ended: number;
  events: number;
  heartbeats: number;
  failures: string[];
  failed: number;
}

async function main() {
  const identity = await startIdentityService(testServiceEnv('identity', { embedded: true, env: quiet }));
  const content = await startContentService(testServiceEnv('content', { embedded: true, env: quiet }));
  const commerce = await startCommerceService(testServiceEnv('commerce', { embedded: true, env: quiet }));
  const gateway = await startGateway(
    loadGatewayConfig({
      ...testServiceEnv('gateway', { embedded: true, env: quiet }),
      GATEWAY_PORT: '0',
      SERENAI_PORT: '0',
      SEREBRO_PORT: '0',
      SERELO_PORT: '0',
      IDENTITY_URL: identity.url,
      CONTENT_URL: content.url,
      COMMERCE_URL: commerce.url,
      RATE_LIMITS_ENABLED: 'false',
      // every open stream holds one of the gateway's connections to commerce (see the README)
      SUBGRAPH_CONNECTIONS: String(STREAMS + 128),
    }),
  );
  const app = commerce.application;
  const rows: string[] = [];
  try {
    const registered = await fetch(`${gateway.listeners.serenai.url}/auth/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const agent = (await registered.json()).data;
    const organizationId: string = agent.organization.id;
    const subject: string = agent.user.id;
    const publisherId = randomUUID();

    for (const scenario of ['direct', 'gateway'] as const) {
      if (ONLY && ONLY !== scenario) continue;
      // the tasks, as startAgentTask records them (free: no hold, no charge), without workflows
      const taskIds = Array.from({ length: STREAMS }, () => randomUUID());
      await pool(taskIds, WRITERS, (taskId) =>
        app.store.handle(
          agentTaskStream(taskId),
          agentTaskDecider,
          {
            type: 'CreateAgentTask',
            taskId,
            publisherId,
            publisherSlug: 'bench-agent',
            organizationId,
            agentId: subject,
            a2aEndpointUrl: 'http://127.0.0.1:9/agent',
            input: { role: 'user', messageId: 'input', parts: [{ kind: 'text', text: 'bench' }] },
            pricing: { asset: 'USDC', hourlyRate: null, minCharge: null },
            now: new Date().toISOString(),
          },
          { metadata: { actor: 'bench', organizationId } },
        ),
      );
      const headers =
        scenario === 'direct'
          ? await asCaller({ subject, organizationId })
          : { authorization: `Bearer ${agent.api_key}` };
      const base =
        scenario === 'direct'
          ? `${commerce.url}/internal/organizations/default/agents/tasks`
          : `${gateway.listeners.serenai.url}/organizations/default/agents/tasks`;
      const child = fork(join(import.meta.dirname, 'clients.ts'), { stdio: 'inherit' });
      const messages: unknown[] = [];
      const waiters: (() => void)[] = [];
      child.on('message', (m) => {
        messages.push(m);
        waiters.splice(0).forEach((w) => w());
      });
      const next = async (type: string) => {
        for (;;) {
          const found = messages.find((m) => (m as { type: string }).type === type);
          if (found) return found as Record<string, unknown>;
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      };
      child.send({ urls: taskIds.map((id) => `${base}/${id}/stream`), headers });
      const opened = await next('open');
      // give the streams a moment to read their backlog (the created event)
      await new Promise((r) => setTimeout(r, 1000));
      const appendMs: number[] = [];
      // when each status's append returned (its commit done), by task and sequence
      const committed = new Map<string, number>();
      const loadStart = loadavg()[0]!;
      for (let round = 0; round < EVENTS; round++) {
        const roundStart = performance.now();
        await pool(
          taskIds.map((id, i) => ({ id, i })),
          WRITERS,
          async ({ id, i }) => {
            // spread the round's appends evenly over it
            const due = roundStart + (i / STREAMS) * ROUND_MS;
            const wait = due - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            const started = performance.now();
            await recordAgentTaskProgress(app, id, {
              type: 'RecordRemoteStatus',
              remoteTaskId: `remote-${id}`,
              contextId: 'bench',
              state: 'working',
              message: {
                role: 'agent',
                messageId: randomUUID(),
                parts: [{ kind: 'text', text: epoch().toFixed(3) }],
              },
              remoteAt: null,
              now: new Date().toISOString(),
            });
            appendMs.push(performance.now() - started);
            committed.set(`${id}:${round + 2}`, epoch());
          },
        );
      }
      await pool(taskIds, WRITERS, (id) =>
        finishAgentTask(app, id, {
          state: 'completed',
          remoteTaskId: `remote-${id}`,
          message: null,
          error: null,
          canceledBy: null,
        }),
      );
      const done = (await next('done')) as unknown as Done;
      child.kill();
      const sorted = done.latencies.sort((a, b) => a - b);
      const appends = appendMs.sort((a, b) => a - b);
      const afterCommit = done.arrivals
        .map(([task, sequence, arrived]) => arrived - committed.get(`${task}:${sequence}`)!)
        .filter((v) => Number.isFinite(v))
        .sort((a, b) => a - b);
      const ok =
        done.failed === 0 &&
        done.inOrder === STREAMS &&
        done.ended === STREAMS &&
        sorted.length === STREAMS * EVENTS;
      rows.push(
        `| ${scenario} | ${STREAMS} | ${sorted.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 90).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${sorted.at(-1)!.toFixed(1)} | ${percentile(appends, 50).toFixed(1)} | ${percentile(afterCommit, 50).toFixed(1)} | ${percentile(afterCommit, 99).toFixed(1)} | ${(opened.ms as number).toFixed(0)} | ${ok ? 'yes' : 'NO'} |`,
      );
      console.log(rows.at(-1));
      console.log(
        JSON.stringify({
          scenario,
          streams: done.streams,
          inOrder: done.inOrder,
          ended: done.ended,
          events: done.events,
          statusFrames: sorted.length,
          heartbeats: done.heartbeats,
          failed: done.failed,
          failures: done.failures,
          loadStart,
          loadEnd: loadavg()[0],
        }),
      );
      if (!ok) process.exitCode = 1;
    }
  } finally {
    await gateway.close();
    await Promise.all([identity.close(), content.close(), commerce.close()]);
  }
  console.log(
    `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log(
    '| scenario | streams | status frames | p50 ms | p90 ms | p99 ms | max ms | append p50 ms | after commit p50 ms | after commit p99 ms | all open ms | every event once, in order, ended |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const row of rows) console.log(row);
}

/** Runs `work` over `items` with at most `size` at once. */
async function pool<T>(items: T[], size: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
