import { LEDGER_SHARDS } from './1797300000000-charges-throughput.js';

// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * A debit of a sharded account (a publisher's earnings, by a refund or a slash) takes from exactly
 * the rows it locked. Before, it locked the account's rows in shard order, then summed and took from
 * them in later statements, which in READ COMMITTED see the rows committed since: a shard a credit
 * had just created was neither locked nor in order. Updating it waited on the debit that did lock it
 * (it came later, so its lock saw the row, in order, first), while that one waited on the rows this
 * debit held: a deadlock, which PostgreSQL resolved by failing one of them (seen in the ledger's
 * invariant test under load). The lock's own statement now returns the rows, their balances and
 * their sum; a row created after it waits for the next debit. Same signature and results otherwise.
 */
export class LedgerDebitLockedShards1797350000000 {
  async up(runner: QueryRunner): Promise<void> {
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
        v_shards smallint[];
        v_balances bigint[];
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
            -- the rows this debit locks, in shard order, are the rows it counts and takes from
            select coalesce(array_agg(l.shard order by l.shard), '{}'), coalesce(array_agg(l.balance order by l.shard), '{}'),
                   coalesce(sum(l.balance), 0)
            into v_shards, v_balances, v_balance
            from (select b.shard, b.balance from ledger_balances b
                  where b.account = p_accounts[i] order by b.shard for update) l;
            if v_balance + p_amounts[i] < 0 then
              raise exception 'insufficient funds: %', p_accounts[i] using errcode = 'check_violation';
            end if;
            v_left := -p_amounts[i];
            for j in 1 .. cardinality(v_shards) loop
              exit when v_left = 0;
              continue when v_balances[j] <= 0;
              v_take := least(v_balances[j], v_left);
              update ledger_balances set balance = balance - v_take where account = p_accounts[i] and shard = v_shards[j];
              v_left := v_left - v_take;
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
  }

  async down(): Promise<void> {
    throw new Error(
      'the earlier ledger_post can deadlock under concurrent debits: restore a backup to go back',
    );
  }
}
