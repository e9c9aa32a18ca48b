import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The write side of a service database: streams, events (also the outbox) and the relay's checkpoint.
 * Needs PostgreSQL 13+ (xid8, pg_current_xact_id).
 */
export class CreateEventStore1795305600000 implements MigrationInterface {
  name = 'CreateEventStore1795305600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // last_transaction_id lets an append without an expected version refuse to land behind a later
    // transaction's events of the same stream; otherwise relaying in transaction-id order could put
    // them on Kafka out of stream order (see store.ts).
    await queryRunner.query(`
      create table streams (
        id text primary key,
        type text not null,
        version bigint not null check (version > 0),
        last_transaction_id xid8 not null
      )`);
    // No foreign key to streams: the append statement writes both rows together, and the key check
    // would cost an index probe per event on the hottest path.
    await queryRunner.query(`
      create table events (
        position bigint generated always as identity primary key,
        stream_id text not null,
        stream_version bigint not null,
        transaction_id xid8 not null default pg_current_xact_id(),
        event_id uuid not null,
        type text not null,
        schema_version int not null,
        data jsonb not null,
        metadata jsonb not null default '{}',
        recorded_at timestamptz not null default now(),
        constraint events_event_id_key unique (event_id),
        constraint events_stream_version_key unique (stream_id, stream_version)
      )`);
    // The relay and the PostgreSQL feed read in (transaction_id, position) order from a checkpoint.
    await queryRunner.query(`create index events_commit_order_idx on events (transaction_id, position)`);
    await queryRunner.query(`
      create table relay_checkpoints (
        name text primary key,
        transaction_id xid8 not null,
        position bigint not null,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table relay_checkpoints`);
    await queryRunner.query(`drop table events`);
    await queryRunner.query(`drop table streams`);
  }
}
