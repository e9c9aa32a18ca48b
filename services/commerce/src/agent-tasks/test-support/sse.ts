// A small server-sent-events reader for tests and the benchmark: fetch, then frames as they
// arrive (`id`, `event`, `data`), comments counted (heartbeats). Stops when the server ends the
// stream, on `stop`, or when `abort` is signalled.
export interface SseFrame {
  id: string | null;
  event: string;
  data: string;
  /** when it arrived (performance.now()) */
  at: number;
}

export interface SseRead {
  status: number;
  contentType: string | null;
  frames: SseFrame[];
  comments: string[];
  /** true when the server ended the stream (not `stop` or an abort) */
  ended: boolean;
  /** the body of a refused request */
  body: string;
}

export async function readSse(
  url: string,
  headers: Record<string, string>,
  options: {
    stop?: (frame: SseFrame, frames: SseFrame[]) => boolean;
    signal?: AbortSignal;
    onFrame?: (frame: SseFrame) => void;
  } = {},
): Promise<SseRead> {
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const result: SseRead = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    frames: [],
    comments: [],
    ended: false,
    body: '',
  };
  if (response.status !== 200 || !response.body) {
    result.body = await response.text();
    return result;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        result.ended = true;
        return result;
      }
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const frame: SseFrame = { id: null, event: 'message', data: '', at: performance.now() };
        let isFrame = false;
        for (const line of block.split('\n')) {
          const field = /^(id|event|data):\s?(.*)$/.exec(line);
          if (line.startsWith(':')) result.comments.push(line.slice(1).trim());
          else if (field) {
            isFrame = true;
            if (field[1] === 'id') frame.id = field[2]!;
            else if (field[1] === 'event') frame.event = field[2]!;
            else frame.data += field[2]!;
          }
        }
        if (!isFrame) continue;
        result.frames.push(frame);
        options.onFrame?.(frame);
        if (options.stop?.(frame, result.frames)) {
          controller.abort();
          return result;
        }
      }
    }
  } catch (error) {
    if (controller.signal.aborted) return result;
    throw error;
  }
}
