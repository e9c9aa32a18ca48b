// identity's GET /internal/revocations (the gateways' feed of revocations, server-sent events) as a
// test reads it: shared by the authentication and marketplace integration tests.

/**
 * Opens the feed of the identity at `url` and collects its `data:` lines as JSON; resolves once the
 * server says it is listening, so that a revocation made afterwards is on the feed.
 */
export async function openRevocationFeed<Notice = Record<string, string>>(url: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/internal/revocations`, { signal: controller.signal });
  const notices: Notice[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (message.startsWith(': listening')) listening();
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (data) notices.push(JSON.parse(data) as Notice);
        }
      }
    } catch {
      // aborted
    }
  })();
  await ready;
  return { response, notices, close: () => controller.abort() };
}

/** What `find` finds within `ms` (asked every 20 ms), or an error. */
export async function within<T>(ms: number, find: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
