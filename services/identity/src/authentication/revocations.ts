import { defineProjection } from '@seren/event-store';
import type { Logger } from '@seren/service-kit';
import type { DataSource } from 'typeorm';
import type { ApiKeyEvent } from '../api-keys/api-key.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import type { SessionEvent } from '../sessions/session.js';

/**
 * Revocations pushed to the gateways, so a revoked session or key stops working within a second
 * rather than when the gateway's authentication cache (≤5 s) expires:
 *
 * 1. This inline projection runs in the revoking transaction and calls `pg_notify`: PostgreSQL
 *    delivers the notice on commit (never for a rolled-back one), to every identity instance.
 * 2. Each instance LISTENs (RevocationFeed) and streams the notices to the gateways connected to its
 *    `GET /internal/revocations` (server-sent events); each gateway drops its cached answers for
 *    that user.
 *
 * What a notice names: the user whose cached callers are stale (a session or key revoked, a role
 * changed). A notice lost while a gateway reconnects is made up for by the gateway clearing its
 * cache on every (re)connect and by the cache's TTL.
 */
export const REVOCATION_CHANNEL = 'identity_revocations';

type NoticeEvent = SessionEvent | ApiKeyEvent | OrganizationEvent;

export interface RevocationNotice {
  userId: string;
  /** the event that made cached callers stale */
  reason: string;
}

export const revocationNoticesProjection = defineProjection<NoticeEvent>({
  name: 'revocation_notices',
  handles: ['SessionRevoked', 'ApiKeyRevoked', 'MemberRoleChanged'],
  async apply(event, { manager }) {
    let userId: string | undefined;
    switch (event.type) {
      case 'SessionRevoked':
      case 'MemberRoleChanged':
        userId = event.data.userId;
        break;
      case 'ApiKeyRevoked': {
        const rows: { user_id: string }[] = await manager.query(
          `select user_id from api_keys where id = $1`,
          [event.data.apiKeyId],
        );
        userId = rows[0]?.user_id;
        break;
      }
      default:
        return;
    }
    if (!userId) return;
    const notice: RevocationNotice = { userId, reason: event.type };
    await manager.query(`select pg_notify($1, $2)`, [REVOCATION_CHANNEL, JSON.stringify(notice)]);
  },
});

type Listener = (notice: RevocationNotice | 'reset') => void;

interface PgClient {
  query(sql: string): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): void;
  removeListener(event: string, listener: (...args: never[]) => void): void;
}

interface Held {
  client: PgClient;
  release: (error?: unknown) => void;
  onNotification: (message: { channel: string; payload?: string }) => void;
  onError: (error: Error) => void;
}

/**
 * One LISTEN connection per identity instance (taken from the data source's pool while anyone
 * listens), fanned out to the subscribers. If the connection drops it is taken again after a second,
 * and subscribers hear `reset` (notices may have been missed meanwhile).
 */
export class RevocationFeed {
  private readonly listeners = new Set<Listener>();
  private connection?: Promise<Held | undefined>;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /** Subscribes once the feed listens (so nothing committed after this resolves is missed). */
  async subscribe(listener: Listener): Promise<() => void> {
    this.listeners.add(listener);
    await this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  private connect(): Promise<Held | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    this.connection ??= this.listen().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'revocation feed could not listen; gateways rely on their cache TTL');
      this.connection = undefined;
      return undefined;
    });
    return this.connection;
  }

  private async listen(): Promise<Held> {
    const driver = this.dataSource.driver as unknown as {
      obtainMasterConnection(): Promise<[PgClient, (error?: unknown) => void]>;
    };
    const [client, release] = await driver.obtainMasterConnection();
    const held: Held = {
      client,
      release,
      onNotification: (message) => {
        if (message.channel !== REVOCATION_CHANNEL || !message.payload) return;
        try {
          const notice = JSON.parse(message.payload) as RevocationNotice;
          for (const listener of this.listeners) listener(notice);
        } catch (error) {
          this.logger.warn({ err: error }, 'unreadable revocation notice');
        }
      },
      onError: (error) => {
        this.logger.warn({ err: error }, 'revocation feed lost its connection; taking another');
        this.unhook(held, error);
        this.connection = undefined;
        this.retry = setTimeout(() => {
          this.retry = undefined;
          if (this.listeners.size === 0) return;
          void this.connect().then(() => {
            for (const listener of this.listeners) listener('reset');
          });
        }, 1_000);
      },
    };
    client.on('notification', held.onNotification);
    client.on('error', held.onError);
    await client.query(`listen ${REVOCATION_CHANNEL}`);
    return held;
  }

  private unhook(held: Held, error?: unknown) {
    held.client.removeListener('notification', held.onNotification);
    held.client.removeListener('error', held.onError);
    // a broken connection is discarded by the pool, a healthy one returned to it
    held.release(error);
  }

  private disconnect() {
    const connection = this.connection;
    this.connection = undefined;
    if (this.retry) clearTimeout(this.retry);
    void connection?.then(async (held) => {
      if (!held) return;
      await held.client.query(`unlisten ${REVOCATION_CHANNEL}`).catch(() => undefined);
      this.unhook(held);
    });
  }

  /** Ends every subscription (the service is stopping). */
  close() {
    this.closed = true;
    this.listeners.clear();
    this.disconnect();
  }
}
