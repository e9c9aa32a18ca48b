import { webhookTablesSql } from '@seren/webhooks';

// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Webhook subscriptions (webhooks/projection.ts), their sealed signing secrets and custom header
 * values (written by webhooks/service.ts in the append's transaction: never in an event), and the
 * delivery queue and log of @seren/webhooks (`webhook_deliveries`, `webhook_attempts`,
 * `webhook_receiver_health`).
 */
export class CreateWebhooks1796900000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table webhook_subscriptions (
        id text primary key,
        location_id text not null,
        name text,
        url text not null,
        method text not null,
        events text[] not null,
        header_names text[] not null default '{}',
        headers_sealed jsonb,
        enabled boolean not null,
        disabled_reason text,
        secret_id text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(
      `create index webhook_subscriptions_location on webhook_subscriptions (location_id, created_at desc, id desc)`,
    );
    await runner.query(
      `create index webhook_subscriptions_events on webhook_subscriptions using gin (events) where enabled`,
    );
    await runner.query(`
      create table webhook_signing_secrets (
        id text primary key,
        webhook_id text not null,
        sealed jsonb not null,
        created_at timestamptz not null,
        expires_at timestamptz
      )`);
    await runner.query(
      `create index webhook_signing_secrets_webhook on webhook_signing_secrets (webhook_id, created_at desc)`,
    );
    for (const sql of webhookTablesSql('webhook')) await runner.query(sql);
  }
}
