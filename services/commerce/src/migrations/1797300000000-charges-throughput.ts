import { chargeFunctionSql } from '../charges/charge-function.js';

// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/** How many balance rows a sharded (publisher, system) account's credits spread over; was 16. */
export const LEDGER_SHARDS = 64;

/**
 * Less work per posting, measured on the charge (bench/README.md, "Publisher charges"):
 *
 * - ledger_lines' foreign key to ledger_entries goes. Its check ran one `select ... for key share`
 *   query per line through a trigger and wrote a row-lock record on the entry (a third WAL record and a
 *   second dirtying of its page), for a rule that ledger_post, the only writer of both tables, keeps by
 *   construction: it inserts the entry, then its lines, in one statement (and one whose entry exists
 *   already inserts no lines). The invariant test checks that every line has its entry.
 * - Credits of sharded accounts (publishers' earnings, system accounts) land on one of 64 rows
 *   instead of 16: with four publishers and 32 concurrent charges, half of the charges waited on a
 *   shard another charge held until its commit; a debit still locks all of the account's rows in
 *   order and checks their sum. Rows already on shards 0-15 stay and are summed as before.
 * - ledger_post skips the agent_wallets insert when it is given no wallet (charge_create found the
 *   agent by its wallet, so it passes none: the insert only ever conflicted). Same signature: every
 *   caller (holds, the proxy's functions, postEntry) is unchanged.
 * - charge_create again, for that (chargeFunctionSql()).
 */
export class ChargesThroughput1797300000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table ledger_lines drop constraint if exists ledger_lines_entry_id_fkey`);
    await runner.query(`
      create or replace function ledger_post(
        p_id uuid, p_kind text, p_reference text, p_organization text, p_metadata jsonb, p_at timestamptz,
        p_accounts text[], p_assets text[], p_amounts bigint[], p_overdraft boolean[], p_sharded boolean[],
        p_wallets text[], p_wallet_organizations text[]
      ) returns table (entry_id uuid, duplicate boolean) language plpgsql as $$
      declare
        v_at timestamptz := coalesce(p_at, now());
        v_balance bigint;
        v_left bigint;
        v_take bigint;
        r record;
      begin
        insert into ledger_entries (id, kind, reference, organization_id, metadata, created_at)
        values (p_id, p_kind, p_reference, p_organization, p_metadata, v_at)
        on conflict (kind, reference) do nothing;
        if not found then
          return query select e.id, true from ledger_entries e where e.kind = p_kind and e.reference = p_reference;
          return;
        end if;
        insert into ledger_lines (entry_id, account, asset, amount, created_at)
        select p_id, l.account, l.asset, l.amount, v_at
        from unnest(p_accounts, p_assets, p_amounts) as l(account, asset, amount);
        if cardinality(p_wallets) > 0 then
          insert into agent_wallets (address, organization_id)
          select w.address, w.organization from unnest(p_wallets, p_wallet_organizations) as w(address, organization)
          on conflict do nothing;
        end if;
        for i in 1 .. array_length(p_accounts, 1) loop
          if p_sharded[i] and (p_amounts[i] > 0 or p_overdraft[i]) then
            -- nothing to check: any shard will do
            insert into ledger_balances as b (account, shard, asset, balance, allows_overdraft)
            values (p_accounts[i], floor(random() * ${LEDGER_SHARDS})::smallint, p_assets[i], p_amounts[i], p_overdraft[i])
            on conflict (account, shard) do update set balance = b.balance + excluded.balance;
          elsif p_sharded[i] then
            perform 1 from ledger_balances where account = p_accounts[i] order by shard for update;
            select coalesce(sum(balance), 0) into v_balance from ledger_balances where account = p_accounts[i];
            if v_balance + p_amounts[i] < 0 then
              raise exception 'insufficient funds: %', p_accounts[i] using errcode = 'check_violation';
            end if;
            v_left := -p_amounts[i];
            for r in select shard, balance from ledger_balances
                     where account = p_accounts[i] and balance > 0 order by shard loop
              v_take := least(r.balance, v_left);
              update ledger_balances set balance = balance - v_take where account = p_accounts[i] and shard = r.shard;
              v_left := v_left - v_take;
              exit when v_left = 0;
            end loop;
          else
            update ledger_balances set balance = balance + p_amounts[i] where account = p_accounts[i] and shard = 0
            returning balance into v_balance;
            if not found then
              insert into ledger_balances (account, shard, asset, balance, allows_overdraft)
              values (p_accounts[i], 0, p_assets[i], 0, p_overdraft[i]) on conflict do nothing;
              update ledger_balances set balance = balance + p_amounts[i] where account = p_accounts[i] and shard = 0
              returning balance into v_balance;
            end if;
            if v_balance < 0 and not p_overdraft[i] then
              raise exception 'insufficient funds: %', p_accounts[i] using errcode = 'check_violation';
            end if;
          end if;
        end loop;
        return query select p_id, false;
      end $$`);
    await runner.query(chargeFunctionSql());
  }

  async down(): Promise<void> {
    throw new Error('ledger_lines keeps no foreign key and the shards stay: restore a backup to go back');
  }
}
