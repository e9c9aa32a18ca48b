import { chargeFunctionSql } from '../charges/charge-function.js';

// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * charge_create again (see 1796800000000): a soft-deleted publisher takes no new charge (404, as an
 * unknown slug); its existing charges stay readable, refundable and slashable.
 */
export class ChargeFunctionSkipsDeletedPublishers1796800100000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(chargeFunctionSql());
  }

  async down(): Promise<void> {
    // the earlier body is gone with the code that made it; 1796800000000's down drops the function
  }
}
