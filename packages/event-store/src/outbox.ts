import type { ClientBase } from 'pg';
import type { EventMetadata } from './types.js';

/** Where a reader of the events table stands: the last (transaction id, position) it handled. */
export interface Checkpoint {
  /** xid8, as text: it is 64-bit. */
  transactionId: string;
  position: number;
}

export const ORIGIN: Checkpoint = { transactionId: '0', position: 0 };

/** An event as the relay and the PostgreSQL feed read it: `data` stays JSON text, ready to publish. */
export interface OutboxEvent {
  position: number;
  transactionId: string;
  streamId: string;
  streamVersion: number;
  id: string;
  type: string;
  schemaVersion: number;
  data: string;
  metadata: EventMetadata;
  recordedAt: Date;
}

// Reads committed events in commit order. Positions come from a sequence, so a transaction that
// took its positions early can commit after one that took them later: reading "position > last"
// would skip it forever. Instead only transactions older than the oldest one still running
// (pg_snapshot_xmin) are read, in (transaction id, position) order: every transaction below that
// horizon has finished, so nothing can later appear behind the checkpoint.
//
// Limit: the horizon is cluster-wide, so any long transaction on the same PostgreSQL server (in any
// database) holds delivery back until it ends. Events are delayed, never lost or reordered.
export const READ_COMMITTED_SQL = `
  select e.position, e.transaction_id::text as xid, e.stream_id, e.stream_version, e.event_id, e.type,
         e.schema_version, e.data::text as data, e.metadata, e.recorded_at
  from events e
  where (e.transaction_id, e.position) > ($1::xid8, $2::bigint)
    and e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  order by e.transaction_id, e.position
  limit $3`;
// (The text copy of the transaction id is named xid: an output column named transaction_id would
// make ORDER BY sort by the text, which is both the wrong order and not the index's.)

export async function readCommitted(
  client: ClientBase,
  after: Checkpoint,
  limit: number,
): Promise<OutboxEvent[]> {
  const { rows } = await client.query({
    name: 'seren_read_committed',
    text: READ_COMMITTED_SQL,
    values: [after.transactionId, after.position, limit],
  });
  return rows.map((row) => ({
    position: Number(row.position),
    transactionId: row.xid,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  }));
}

export function checkpointOf(event: Pick<OutboxEvent, 'transactionId' | 'position'>): Checkpoint {
  return { transactionId: event.transactionId, position: event.position };
}
