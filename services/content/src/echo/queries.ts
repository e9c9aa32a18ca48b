import type { ApplicationContext } from '@seren/service-kit';

export interface EchoView {
  id: string;
  message: string;
  status: 'requested' | 'replied';
  reply: string | null;
  requestedAt: string;
  repliedAt: string | null;
}

interface EchoRow {
  id: string;
  message: string;
  status: EchoView['status'];
  reply: string | null;
  requested_at: Date;
  replied_at: Date | null;
}

export async function findEcho(app: ApplicationContext, echoId: string): Promise<EchoView | undefined> {
  const rows: EchoRow[] = await app.dataSource.query(
    `select id, message, status, reply, requested_at, replied_at from echoes where id = $1`,
    [echoId],
  );
  const row = rows[0];
  return (
    row && {
      id: row.id,
      message: row.message,
      status: row.status,
      reply: row.reply,
      requestedAt: row.requested_at.toISOString(),
      repliedAt: row.replied_at?.toISOString() ?? null,
    }
  );
}
