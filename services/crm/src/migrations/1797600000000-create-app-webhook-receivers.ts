// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * `app_webhook_receivers`: each marketplace app's webhook URL, as the newest of its INSTALL and
 * UNINSTALL events named it (`as_of`: that event's time, so an older event read late changes
 * nothing). The delivery worker resolves receiver `app:<appId>` here (webhooks/app-receivers.ts).
 */
export class CreateAppWebhookReceivers1797600000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `create table app_webhook_receivers (
        app_id text primary key,
        url text,
        as_of timestamptz not null
      )`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table app_webhook_receivers`);
  }
}
