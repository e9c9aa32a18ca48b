import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { clientOf } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { exportWalletTransactions } from './service.js';
import { sendDomainError } from '../http.js';

/**
 * The internal route the gateway forwards `GET /wallet/transactions/export` to (a CSV download is
 * not GraphQL's to carry). The caller comes from the gateway's internal token like every request;
 * the rows stream out batch by batch as the client reads them (backpressure from the socket).
 */
export function walletRoutes(commerce: Commerce) {
  return async (server: FastifyInstance) => {
    server.get<{ Querystring: { start_date?: string; end_date?: string } }>(
      '/internal/wallet/transactions/export',
      async (request, reply) => {
        let exported: ReturnType<typeof exportWalletTransactions>;
        try {
          exported = exportWalletTransactions(
            commerce,
            {
              caller: request.caller,
              requestId: request.id,
              traceparent: request.traceparent,
              ...clientOf(request),
            },
            { startDate: request.query.start_date ?? null, endDate: request.query.end_date ?? null },
          );
        } catch (error) {
          return sendDomainError(reply, error);
        }
        return reply
          .status(200)
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${exported.filename}"`)
          .header('cache-control', 'no-store')
          .send(Readable.from(exported.lines));
      },
    );
  };
}
