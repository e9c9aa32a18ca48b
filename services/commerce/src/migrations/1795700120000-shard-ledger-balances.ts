// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Balances of busy accounts in shards. Every charge credits its publisher's earnings and every
 * deposit debits a clearing account: one balance row each made every transaction wait for the
 * previous one's commit (the benchmark saw most of its sessions queued on four publishers' rows).
 * Publisher and system accounts now keep their balance in up to 16 rows (`shard`), their sum the
 * balance: a credit (or any movement of an account with overdraft) lands on a random shard; a debit
 * of a publisher locks all its shards in order, checks their sum and takes from them in turn. Agent
 * accounts keep one row (shard 0): their debits are checked at every charge, and each agent's
 * traffic is its own.
 */
export class ShardLedgerBalances1795700120000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table ledger_balances add column shard smallint not null default 0`);
    await runner.query(`alter table ledger_balances drop constraint ledger_balances_pkey`);
    await runner.query(`alter table ledger_balances add primary key (account, shard)`);
    await runner.query(`drop function ledger_post`);
    await runner.query(`
      create function ledger_post(
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
        insert into agent_wallets (address, organization_id)
        select w.address, w.organization from unnest(p_wallets, p_wallet_organizations) as w(address, organization)
        on conflict do nothing;
        for i in 1 .. array_length(p_accounts, 1) loop
          if p_sharded[i] and (p_amounts[i] > 0 or p_overdraft[i]) then
            -- nothing to check: any shard will do
            insert into ledger_balances as b (account, shard, asset, balance, allows_overdraft)
            values (p_accounts[i], floor(random() * 16)::smallint, p_assets[i], p_amounts[i], p_overdraft[i])
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
  }

  async down(): Promise<void> {
    throw new Error('the ledger keeps its shards: restore a backup to go back');
  }
}
