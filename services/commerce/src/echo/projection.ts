import { defineProjection } from '@seren/event-store';
import type { EchoEvent } from './echo.js';

/** `echoes`: what the echo queries read, written in each append's transaction. */
export const echoesProjection = defineProjection<EchoEvent>({
  name: 'echoes',
  handles: ['EchoRequested', 'EchoReplied'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'EchoRequested':
        await manager.query(
          `insert into echoes (id, message, status, requested_at) values ($1, $2, 'requested', $3)`,
          [event.data.echoId, event.data.message, event.data.requestedAt],
        );
        return;
      case 'EchoReplied':
        await manager.query(
          `update echoes set status = 'replied', reply = $2, replied_at = $3 where id = $1`,
          [event.data.echoId, event.data.reply, event.data.repliedAt],
        );
        return;
      default:
        return;
    }
  },
});
