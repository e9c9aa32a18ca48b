// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * The ledger (src/ledger/): the journal (entries and their lines, append-only), each account's
 * balance (moved with every line, in the same statement), agent wallet addresses, idempotency keys.
 */
export class CreateLedger1795700100000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table ledger_entries (
        id uuid primary key,
        kind text not null,
        reference text not null,
        organization_id text,
        metadata jsonb not null default '{}',
        created_at timestamptz not null,
        unique (kind, reference)
      )`);
    await runner.query(
      `create index ledger_entries_by_organization on ledger_entries (organization_id, created_at desc, id desc)`,
    );
    await runner.query(`
      create table ledger_lines (
        entry_id uuid not null references ledger_entries (id),
        account text not null,
        asset text not null,
        amount bigint not null check (amount <> 0),
        created_at timestamptz not null,
        primary key (entry_id, account)
      )`);
    await runner.query(`create index ledger_lines_by_account on ledger_lines (account, created_at desc)`);
    await runner.query(`
      create table ledger_balances (
        account text primary key,
        asset text not null,
        balance bigint not null,
        allows_overdraft boolean not null,
        constraint ledger_balances_no_overdraft check (balance >= 0 or allows_overdraft)
      )`);
    await runner.query(`
      create table agent_wallets (
        address text primary key,
        organization_id text not null
      )`);
    // Posting is one call: one round trip per entry, its steps in a fixed order inside the caller's
    // transaction. Balances move in the order the caller sorted the accounts (by id), so two entries
    // never wait on each other's rows in opposite orders. A balance without overdraft going below
    // zero raises check_violation (23514) naming the account; the table's check constraint says the
    // same again should any other writer try.
    await runner.query(`
      create function ledger_post(
        p_id uuid, p_kind text, p_reference text, p_organization text, p_metadata jsonb, p_at timestamptz,
        p_accounts text[], p_assets text[], p_amounts bigint[], p_overdraft boolean[],
        p_wallets text[], p_wallet_organizations text[]
      ) returns table (entry_id uuid, duplicate boolean) language plpgsql as $$
      declare
        v_at timestamptz := coalesce(p_at, now());
        v_balance bigint;
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
          update ledger_balances set balance = balance + p_amounts[i] where account = p_accounts[i]
          returning balance into v_balance;
          if not found then
            insert into ledger_balances (account, asset, balance, allows_overdraft)
            values (p_accounts[i], p_assets[i], 0, p_overdraft[i]) on conflict do nothing;
            update ledger_balances set balance = balance + p_amounts[i] where account = p_accounts[i]
            returning balance into v_balance;
          end if;
          if v_balance < 0 and not p_overdraft[i] then
            raise exception 'insufficient funds: %', p_accounts[i] using errcode = 'check_violation';
          end if;
        end loop;
        return query select p_id, false;
      end $$`);
    await runner.query(`
      create table idempotency_keys (
        scope text not null,
        key text not null,
        request_hash text not null,
        result text not null,
        created_at timestamptz not null,
        primary key (scope, key)
      )`);
    await runner.query(`create index idempotency_keys_by_age on idempotency_keys (created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table idempotency_keys');
    await runner.query('drop function ledger_post');
    await runner.query('drop table agent_wallets');
    await runner.query('drop table ledger_balances');
    await runner.query('drop table ledger_lines');
    await runner.query('drop table ledger_entries');
  }
}
