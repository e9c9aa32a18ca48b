import { CHARGE_CREATED_APPLY_SQL, chargeFunctionSql } from '../charges/charge-function.js';

// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * A charge in one call (charges/charge-function.ts): `charge_created_apply`, the charges row of a
 * ChargeCreated (the projection calls it too), and `charge_create`. Unlike other migrations this one
 * creates charge_create from the code as it is when it runs, because its body embeds the event
 * store's append and the ledger's key statements: when any of them changes, add a migration that
 * runs chargeFunctionSql() again. A process refuses to charge with a body other than the code's
 * (charges/service.ts, `chargeFunctionChecked`), so a forgotten one shows at the first charge.
 */
export class CreateChargeFunction1796800000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(CHARGE_CREATED_APPLY_SQL);
    await runner.query(chargeFunctionSql());
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop function charge_create');
    await runner.query('drop function charge_created_apply');
  }
}
