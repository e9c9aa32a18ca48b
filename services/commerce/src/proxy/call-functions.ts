import { NEW_STREAM_APPEND_SQL } from '@seren/event-store';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { accounts, agentWallet, type Asset } from '../ledger/index.js';

// A paid call's two money steps, each ONE statement in autocommit (one round trip, one commit),
// the proxy's hot path (bench/README.md, "Publisher proxy"). They do what ledger/holds.ts's
// placeHold and captureHold/releaseHold do in a transaction of four to six statements, with the
// same journal entries (kinds, references, lines, metadata), the same `ledger_holds` row and the
// same locks (the agent's balance rows in account order; the hold's row), written in SQL because
// the split needs the balances under their locks inside the same call:
//
//   proxy_hold_place   the agent's balance rows locked, the minimum balance, the split
//                      (promotional first, then funded), `ledger_post` of kind `hold`, the hold row.
//                      Answers held (the split), insufficient or below_minimum, having written nothing
//                      for the last two. The same hold id placed again answers the first split.
//   proxy_hold_settle  the hold row locked; once: captured (kind `charge`: the capture into the
//                      publisher's earnings, the rest back, funded first) or released (kind
//                      `hold_release`: all of it back); the row updated; and the call's
//                      PublisherCallCompleted appended by the event store's own statement
//                      (NEW_STREAM_APPEND_SQL: $1-$4 are the function's first four parameters).
//                      A hold settled before (the sweep released it) answers settled_before and
//                      writes nothing.
//
// The publisher's `low_balance_threshold` rides along (p_low_balance_threshold, null: none), so its
// notices cost no round trip: proxy_hold_settle of a capture reads the agent's spendable balance
// (funded + promotional) after it and answers it; below the threshold, a row in
// `proxy_low_balance_notices` (organization, publisher, asset) records the crossing and, when the
// row is new, the notice LowBalanceThresholdCrossed is appended in the same statement (the event
// store's statement again, its $1-$4 renamed to the notice's own parameters; the balance filled in
// here: the event was encoded before the balance was known). proxy_hold_place re-arms it: a hold
// that finds the balance at or above the threshold deletes the row, so the next fall below it is a
// new crossing, and a call below it again is not.
//
// The functions embed the event store's append and call `ledger_post`; a process refuses to use
// them while the database's bodies differ from these (callFunctionsChecked), as charge_create does:
// a change needs a migration that runs callFunctionsSql() again.

// The event store's new-stream append once more, for the notice: its $1-$4 (stream id, event count,
// events, stream type) are the function's first four parameters, the call's; here they are the notice's.
const NOTICE_PARAMETERS: Record<string, string> = {
  '1': 'p_notice_stream_id',
  '2': 'v_notice_count',
  '3': 'v_notice_events',
  '4': 'p_notice_stream_type',
};
const NOTICE_APPEND_SQL = NEW_STREAM_APPEND_SQL.replace(
  /\$([1-4])(?![0-9])/g,
  (_, n: string) => NOTICE_PARAMETERS[n]!,
);

export const HOLD_PLACE_BODY = `
declare
  v_funded bigint := 0;
  v_promotional bigint := 0;
  v_from_promotional bigint;
  v_from_funded bigint;
  v_accounts text[] := '{}';
  v_amounts bigint[] := '{}';
  v_duplicate boolean;
  r record;
begin
  if p_amount <= 0 then
    raise exception 'a hold is of a positive amount';
  end if;
  -- p_accounts: funded, held, promotional (account order); the agent's rows as every posting takes them
  for r in select b.account, b.balance from ledger_balances b
           where b.account in (p_accounts[1], p_accounts[3])
           order by b.account for update loop
    if r.account = p_accounts[1] then v_funded := v_funded + r.balance;
    else v_promotional := v_promotional + r.balance; end if;
  end loop;
  if p_minimum is not null and v_funded + v_promotional < p_minimum then
    return query select 'below_minimum'::text, 0::bigint, 0::bigint;
    return;
  end if;
  v_from_promotional := least(greatest(v_promotional, 0), p_amount);
  v_from_funded := p_amount - v_from_promotional;
  if v_from_funded > v_funded then
    return query select 'insufficient'::text, 0::bigint, 0::bigint;
    return;
  end if;
  if v_from_funded > 0 then
    v_accounts := v_accounts || p_accounts[1];
    v_amounts := v_amounts || (-v_from_funded);
  end if;
  v_accounts := v_accounts || p_accounts[2];
  v_amounts := v_amounts || p_amount;
  if v_from_promotional > 0 then
    v_accounts := v_accounts || p_accounts[3];
    v_amounts := v_amounts || (-v_from_promotional);
  end if;
  select l.duplicate into v_duplicate from ledger_post(
    p_entry_id, 'hold', p_hold_id, p_organization, p_entry_metadata, p_at, v_accounts,
    array_fill(p_asset, array[cardinality(v_accounts)]), v_amounts,
    array_fill(false, array[cardinality(v_accounts)]), array_fill(false, array[cardinality(v_accounts)]),
    array[p_wallet], array[p_organization]) l;
  if v_duplicate then
    -- placed before (the same hold id): the journal moved nothing this time; the first hold's split
    return query select 'held'::text, h.from_promotional, h.from_funded from ledger_holds h where h.id = p_hold_id;
    return;
  end if;
  if p_low_balance_threshold is not null and v_funded + v_promotional >= p_low_balance_threshold then
    -- at or above the threshold: the next fall below it is a new crossing
    delete from proxy_low_balance_notices n
    where n.organization_id = p_organization and n.publisher_id = p_publisher_id and n.asset = p_asset;
  end if;
  insert into ledger_holds (id, organization_id, publisher_id, asset, amount, from_promotional, from_funded,
                            status, hold_entry_id, metadata, expires_at, created_at)
  values (p_hold_id, p_organization, p_publisher_id, p_asset, p_amount, v_from_promotional, v_from_funded,
          'held', p_entry_id, p_hold_metadata, p_expires_at, p_at);
  return query select 'held'::text, v_from_promotional, v_from_funded;
end`;

export const HOLD_SETTLE_BODY = `
declare
  h record;
  v_rest bigint;
  v_to_funded bigint;
  v_to_promotional bigint;
  v_kind text;
  v_accounts text[] := '{}';
  v_amounts bigint[] := '{}';
  v_sharded boolean[] := '{}';
  v_position bigint;
  v_version bigint;
  v_recorded timestamptz;
  v_balance bigint;
  v_noticed boolean := false;
  v_notice_events jsonb;
  v_notice_count int := 1;
begin
  select * into h from ledger_holds where id = p_hold_id for update;
  if not found then
    raise exception 'no hold %', p_hold_id;
  end if;
  if h.status <> 'held' then
    return query select 'settled_before'::text, h.captured, h.settle_entry_id, null::bigint, false;
    return;
  end if;
  if p_capture is null then
    v_to_funded := h.from_funded;
    v_to_promotional := h.from_promotional;
    v_kind := 'hold_release';
  else
    if p_capture < 0 or p_capture > h.amount then
      raise exception 'hold %: cannot capture % of %', p_hold_id, p_capture, h.amount;
    end if;
    -- what is not captured goes back, funded first (it was spent last)
    v_rest := h.amount - p_capture;
    v_to_funded := least(v_rest, h.from_funded);
    v_to_promotional := v_rest - v_to_funded;
    v_kind := case when p_capture > 0 then 'charge' else 'hold_release' end;
  end if;
  -- p_accounts: funded, held, promotional, earnings (account order); no zero line
  if v_to_funded > 0 then
    v_accounts := v_accounts || p_accounts[1];
    v_amounts := v_amounts || v_to_funded;
    v_sharded := v_sharded || false;
  end if;
  v_accounts := v_accounts || p_accounts[2];
  v_amounts := v_amounts || (-h.amount);
  v_sharded := v_sharded || false;
  if v_to_promotional > 0 then
    v_accounts := v_accounts || p_accounts[3];
    v_amounts := v_amounts || v_to_promotional;
    v_sharded := v_sharded || false;
  end if;
  if p_capture > 0 then
    v_accounts := v_accounts || p_accounts[4];
    v_amounts := v_amounts || p_capture;
    v_sharded := v_sharded || true;
  end if;
  perform ledger_post(
    p_entry_id, v_kind, p_hold_id, h.organization_id,
    jsonb_build_object('publisher_id', h.publisher_id, 'hold_id', p_hold_id) || p_entry_metadata,
    p_at, v_accounts, array_fill(h.asset, array[cardinality(v_accounts)]), v_amounts,
    array_fill(false, array[cardinality(v_accounts)]), v_sharded, array[p_wallet], array[h.organization_id]);
  update ledger_holds set status = case when p_capture is null then 'released' else 'captured' end,
    captured = p_capture, settle_entry_id = p_entry_id, settled_at = p_at
  where id = p_hold_id;
  if p_events is not null then
    ${NEW_STREAM_APPEND_SQL}
    into v_position, v_version, v_recorded;
    if v_version is null then
      raise exception 'call stream % exists', p_stream_id;
    end if;
  end if;
  if p_low_balance_threshold is not null and p_capture > 0 then
    -- the agent's spendable balance after the capture (its rows are locked by ledger_post above
    -- when it moved them; a promotional-only capture reads funded as committed)
    select coalesce(sum(b.balance), 0) into v_balance from ledger_balances b
    where b.account in (p_accounts[1], p_accounts[3]);
    if v_balance < p_low_balance_threshold then
      insert into proxy_low_balance_notices (organization_id, publisher_id, asset, call_id, balance,
                                             threshold, noticed_at)
      values (h.organization_id, h.publisher_id, h.asset, p_hold_id, v_balance, p_low_balance_threshold, p_at)
      on conflict do nothing;
      v_noticed := found;
      if v_noticed and p_notice_events is not null then
        v_notice_events := jsonb_set(p_notice_events, '{0,d,balance}', to_jsonb(v_balance::text));
        ${NOTICE_APPEND_SQL}
        into v_position, v_version, v_recorded;
        if v_version is null then
          raise exception 'notice stream % exists', p_notice_stream_id;
        end if;
      end if;
    end if;
  end if;
  return query select 'settled'::text, p_capture, p_entry_id, v_balance, v_noticed;
end`;

/** The statements that (re)create the two functions as the code now defines them. */
export const callFunctionsSql = () => [
  `create or replace function proxy_hold_place(
  p_hold_id text, p_entry_id uuid, p_organization text, p_publisher_id text, p_asset text,
  p_amount bigint, p_minimum bigint, p_expires_at timestamptz, p_entry_metadata jsonb,
  p_hold_metadata jsonb, p_at timestamptz, p_accounts text[], p_wallet text, p_low_balance_threshold bigint
) returns table (hold_status text, hold_from_promotional bigint, hold_from_funded bigint)
language plpgsql as $hold$${HOLD_PLACE_BODY}$hold$`,
  `create or replace function proxy_hold_settle(
  p_stream_id text, p_event_count int, p_events jsonb, p_stream_type text,
  p_hold_id text, p_capture bigint, p_entry_id uuid, p_entry_metadata jsonb, p_at timestamptz,
  p_accounts text[], p_wallet text, p_low_balance_threshold bigint, p_notice_stream_id text,
  p_notice_events jsonb, p_notice_stream_type text
) returns table (settle_status text, settle_captured bigint, settle_entry_id uuid, settle_balance bigint,
                 settle_noticed boolean)
language plpgsql as $settle$${HOLD_SETTLE_BODY}$settle$`,
];

const BODIES: Record<string, string> = {
  proxy_hold_place: HOLD_PLACE_BODY,
  proxy_hold_settle: HOLD_SETTLE_BODY,
};

/** Throws unless the database's two functions have the bodies the code defines (`query`: a manager or a transaction's). */
export async function checkCallFunctions(db: Pick<DataSource, 'query'>): Promise<void> {
  const rows: { proname: string; prosrc: string }[] = await db.query(
    `select proname, prosrc from pg_proc where proname = any($1)`,
    [Object.keys(BODIES)],
  );
  for (const [name, body] of Object.entries(BODIES)) {
    const found = rows.filter((row) => row.proname === name);
    if (found.length !== 1 || found[0]!.prosrc !== body)
      throw new Error(
        `${name} differs from proxy/call-functions.ts: add a migration that runs callFunctionsSql()`,
      );
  }
}

const checked = new WeakMap<object, Promise<void>>();

/**
 * Once per process and database: the two functions' bodies must be the ones the code defines (they
 * embed the event store's append); stale ones would write what the code no longer means, so every
 * wallet-paid call is refused until a migration recreates them.
 */
export function callFunctionsChecked(dataSource: DataSource): Promise<void> {
  let check = checked.get(dataSource);
  if (!check) {
    check = checkCallFunctions(dataSource);
    check.catch(() => checked.delete(dataSource));
    checked.set(dataSource, check);
  }
  return check;
}

const poolOf = (dataSource: DataSource) => (dataSource.driver as PostgresDriver).master as Pool;

/** A hold placed by proxy_hold_place: what capture and release need of it. */
export interface CallHold {
  id: string;
  organizationId: string;
  publisherId: string;
  asset: Asset;
  amount: bigint;
  fromPromotional: bigint;
  fromFunded: bigint;
}

export interface PlaceCallHoldInput {
  holdId: string;
  organizationId: string;
  publisherId: string;
  asset: Asset;
  amount: bigint;
  /** the publisher's minimum_balance: the wallet must hold at least this (before the hold), or null */
  minimum: bigint | null;
  expiresAt: Date;
  /** what the sweep needs to report the call (never a secret) */
  metadata: Record<string, string>;
  at: Date;
  /** the publisher's low_balance_threshold: a balance at or above it re-arms the notice; null: none */
  lowBalanceThreshold?: bigint | null;
}

const PLACE_CALL = `select hold_status, hold_from_promotional::text, hold_from_funded::text
  from proxy_hold_place($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

/** The call's hold in one statement: held (with its split), or why not (nothing written). */
export async function placeCallHold(
  dataSource: DataSource,
  input: PlaceCallHoldInput,
): Promise<{ status: 'held'; hold: CallHold } | { status: 'insufficient' | 'below_minimum' }> {
  await callFunctionsChecked(dataSource);
  const org = input.organizationId;
  const { rows } = await poolOf(dataSource).query<{
    hold_status: 'held' | 'insufficient' | 'below_minimum';
    hold_from_promotional: string;
    hold_from_funded: string;
  }>({
    name: 'seren_proxy_hold_place',
    text: PLACE_CALL,
    values: [
      input.holdId,
      randomUUID(),
      org,
      input.publisherId,
      input.asset,
      input.amount.toString(),
      input.minimum?.toString() ?? null,
      input.expiresAt,
      JSON.stringify({ publisher_id: input.publisherId, ...input.metadata }),
      JSON.stringify(input.metadata),
      input.at,
      [
        accounts.agentFunded(org, input.asset),
        accounts.agentHeld(org, input.asset),
        accounts.agentPromotional(org, input.asset),
      ],
      agentWallet(org),
      input.lowBalanceThreshold?.toString() ?? null,
    ],
  });
  const row = rows[0]!;
  if (row.hold_status !== 'held') return { status: row.hold_status };
  return {
    status: 'held',
    hold: {
      id: input.holdId,
      organizationId: org,
      publisherId: input.publisherId,
      asset: input.asset,
      amount: input.amount,
      fromPromotional: BigInt(row.hold_from_promotional),
      fromFunded: BigInt(row.hold_from_funded),
    },
  };
}

export interface SettleCallHoldInput {
  /** what the publisher earns (≤ the hold; the rest goes back), or null to release all of it */
  capture: bigint | null;
  /** the settling entry's id (named before, for the event) */
  entryId: string;
  /** the entry's metadata beside publisher_id and hold_id (the capture's slug and description, a release's reason) */
  metadata: Record<string, string>;
  at: Date;
  /** the call's event, appended when the hold is settled now: stream id, events as encodeEvents gives them, stream type */
  event?: { streamId: string; events: string; streamType: string };
  /**
   * The publisher's low_balance_threshold, and the notice to append when this capture crosses it
   * (its one event encoded with `balance` "0": the statement fills in the balance it read).
   */
  lowBalance?: { threshold: bigint; notice?: { streamId: string; events: string; streamType: string } };
}

const SETTLE_CALL = `select settle_status, settle_captured::text, settle_entry_id::text, settle_balance::text,
  settle_noticed from proxy_hold_settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`;

export interface SettledCallHold {
  settled: boolean;
  captured: bigint | null;
  entryId: string | null;
  /** the agent's spendable balance after a capture, when a threshold was given (else null) */
  balance: bigint | null;
  /** this capture crossed the threshold: the notice was appended */
  noticed: boolean;
}

/** Captures or releases the hold in one statement, with the call's event; `settled` false when it was settled before (nothing written). */
export async function settleCallHold(
  dataSource: DataSource,
  hold: CallHold,
  input: SettleCallHoldInput,
): Promise<SettledCallHold> {
  await callFunctionsChecked(dataSource);
  const org = hold.organizationId;
  const { rows } = await poolOf(dataSource).query<{
    settle_status: 'settled' | 'settled_before';
    settle_captured: string | null;
    settle_entry_id: string | null;
    settle_balance: string | null;
    settle_noticed: boolean;
  }>({
    name: 'seren_proxy_hold_settle',
    text: SETTLE_CALL,
    values: [
      input.event?.streamId ?? null,
      input.event ? 1 : 0,
      input.event?.events ?? null,
      input.event?.streamType ?? null,
      hold.id,
      input.capture?.toString() ?? null,
      input.entryId,
      JSON.stringify(input.metadata),
      input.at,
      [
        accounts.agentFunded(org, hold.asset),
        accounts.agentHeld(org, hold.asset),
        accounts.agentPromotional(org, hold.asset),
        accounts.publisherEarnings(hold.publisherId, hold.asset),
      ],
      agentWallet(org),
      input.lowBalance?.threshold.toString() ?? null,
      input.lowBalance?.notice?.streamId ?? null,
      input.lowBalance?.notice?.events ?? null,
      input.lowBalance?.notice?.streamType ?? null,
    ],
  });
  const row = rows[0]!;
  return {
    settled: row.settle_status === 'settled',
    captured: row.settle_captured === null ? null : BigInt(row.settle_captured),
    entryId: row.settle_entry_id,
    balance: row.settle_balance === null ? null : BigInt(row.settle_balance),
    noticed: row.settle_noticed,
  };
}
