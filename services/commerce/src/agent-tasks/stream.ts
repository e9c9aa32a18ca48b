import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { clientConfigOf } from '@seren/event-store';
import type { Logger } from '@seren/service-kit';
import { parseNotification, type AgentTaskEventBody } from './events.js';
import { AGENT_TASK_EVENTS_CHANNEL } from './projection.js';

/** Woken with the event when the notification carried it, else with null (read what is new). */
type Listener = (event: AgentTaskEventBody | null) => void;

/**
 * Fans the committed task events out to the streams open in this process: one dedicated
 * PostgreSQL connection LISTENs on the projection's channel (opened with the first stream), and
 * each notification wakes the streams of that task with the event it carries (they send it when it
 * is the next one) or with nothing (they read their task's events past the last one they sent). A
 * notification lost with the connection costs nothing: on reconnecting every stream is woken and
 * reads from where it was.
 */
export class AgentTaskEventHub {
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /** Calls `wake` whenever an event of the task commits; resolves once listening. Returns the unsubscribe. */
  async subscribe(taskId: string, wake: Listener): Promise<() => void> {
    const set = this.listeners.get(taskId) ?? new Set<Listener>();
    set.add(wake);
    this.listeners.set(taskId, set);
    await this.connect();
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.listeners.get(taskId) === set) this.listeners.delete(taskId);
    };
  }

  /** How many streams listen (for tests and the benchmark). */
  get size(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new Client({
      ...clientConfigOf(this.dataSource),
      application_name: 'commerce-agent-task-streams',
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      if (this.closed) return;
      this.logger.warn('agent task stream listener lost its connection; reconnecting');
      setTimeout(() => {
        this.connect()
          .then(() => this.wakeAll())
          .catch((error: unknown) =>
            this.logger.error({ err: error }, 'agent task stream listener could not reconnect'),
          );
      }, 500).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (note) => {
      const parsed = note.payload ? parseNotification(note.payload) : null;
      if (!parsed) return;
      for (const wake of this.listeners.get(parsed.taskId) ?? []) wake(parsed.body);
    });
    await client.connect();
    await client.query(`listen ${AGENT_TASK_EVENTS_CHANNEL}`);
    this.client = client;
  }

  private wakeAll() {
    for (const set of this.listeners.values()) for (const wake of set) wake(null);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
