// The SSE benchmark's clients (bench/agent-tasks/sse.ts forks this): one process holding every
// stream, so the clients' parsing does not share an event loop with the servers. Each stream reads
// frames with fetch; a status frame's message text is the epoch time (ms, fractional) its event was
// appended at, so now − that is the delivery latency (same machine, same clock). Reports per
// stream: the ids received (checked in order, once each) and whether the stream ended after
// `finished`.
import { Agent, setGlobalDispatcher } from 'undici';

interface Start {
  urls: string[];
  headers: Record<string, string>;
}

setGlobalDispatcher(new Agent({ connections: null, pipelining: 0, bodyTimeout: 0, headersTimeout: 60_000 }));

const now = () => performance.timeOrigin + performance.now();

async function follow(
  url: string,
  headers: Record<string, string>,
  latencies: number[],
  arrivals: [string, number, number][],
  onOpen: () => void,
) {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  if (response.status !== 200 || !response.body)
    throw new Error(`${url}: ${response.status} ${await response.text()}`);
  onOpen();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const ids: number[] = [];
  let heartbeats = 0;
  let buffer = '';
  let finished = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const arrived = now();
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (block.startsWith(':')) {
        heartbeats += 1;
        continue;
      }
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (!id || !data) continue;
      ids.push(Number(id));
      if (event === 'finished') finished = true;
      if (event === 'status') {
        const body = JSON.parse(data);
        const sent = Number(body.data?.message?.parts?.[0]?.text);
        if (Number.isFinite(sent) && sent > 1e12) {
          latencies.push(arrived - sent);
          arrivals.push([body.task_id, body.sequence, arrived]);
        }
      }
    }
  }
  return { ids, finished, heartbeats };
}

process.once('message', async (start: Start) => {
  const latencies: number[] = [];
  const arrivals: [string, number, number][] = [];
  let open = 0;
  const started = performance.now();
  const all = start.urls.map((url) =>
    follow(url, start.headers, latencies, arrivals, () => {
      open += 1;
      if (open === start.urls.length) process.send!({ type: 'open', ms: performance.now() - started });
    }),
  );
  const results = await Promise.allSettled(all);
  const failures = results
    .filter((r) => r.status === 'rejected')
    .map((r) => String((r as PromiseRejectedResult).reason));
  const streams = results
    .filter((r) => r.status === 'fulfilled')
    .map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof follow>>>).value);
  const inOrder = streams.filter((s) => s.ids.every((id, i) => id === i + 1)).length;
  process.send!({
    type: 'done',
    latencies,
    arrivals,
    streams: streams.length,
    inOrder,
    ended: streams.filter((s) => s.finished).length,
    events: streams.reduce((n, s) => n + s.ids.length, 0),
    heartbeats: streams.reduce((n, s) => n + s.heartbeats, 0),
    failures: failures.slice(0, 5),
    failed: failures.length,
  });
});
