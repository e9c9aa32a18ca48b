import { NEW_STREAM_APPEND_SQL } from '@seren/event-store';
import { claimSql, storeSql } from '../ledger/idempotency.js';

/**
 * `charge_create`: a whole charge in ONE call, in autocommit (one round trip, one commit), the
 * benchmark's hot path (bench/README.md, "Publisher charges"): the idempotency key's claim with its
 * stored result, the publisher and its owner, the agent wallet's organization, its two balances
 * under their row locks, the promotional-then-funded split, the ChargeCreated append, the `charges`
 * row, the journal entry (`ledger_post`) and the key's result.
 *
 * Nothing is written twice by hand: the append is the event store's own statement
 * (NEW_STREAM_APPEND_SQL), the claim and the store are the ledger's (claimSql, storeSql), the posting is
 * `ledger_post`, and the `charges` row is `charge_created_apply`, which the charges projection
 * calls too. Those statements use positional parameters, and inside a plpgsql function `$n` is
 * its n-th parameter: hence the fixed order of the first nine (the append's four, then the key's
 * five, in storeSql's order). `p_events` and `p_result` are filled in here before the statements
 * that read them as `$3` and `$8` run.
 *
 * The split is decideCharge's rule (charges/decide.ts) written again in SQL because it needs the
 * balances under their locks, in the same call; `charge-function.int.test.ts` checks the two agree.
 * The caller (createCharge) has already run decideCharge on the request with placeholder values for
 * what only the database knows (publisher id, agent organization, the split), so the event is
 * validated against its contract (those fields are typed alike whatever their values), then they
 * are set here.
 *
 * The posting records no agent wallet (ledger_post's last two arrays are empty): the wallet was found
 * in agent_wallets above, so recording it again would only be an insert that conflicts (1797300000000).
 *
 * Answers (charge_status, charge_result): `created` or `replay` with the stored result (encoded
 * like withIdempotency's), or `in_use` (409), `mismatch` (400 idempotency_error), `no_publisher`
 * (404), `forbidden` (403), `insufficient` (402), having written nothing. A key whose result another
 * call committed after this call's claim read (see claimSql) raises `SRN01`: the caller runs it again,
 * and that call replays the result.
 */
export const CHARGE_FUNCTION_BODY = `
declare
  v_claimed boolean;
  v_hash text;
  v_stored text;
  v_publisher_id text;
  v_publisher_slug text;
  v_publisher_org text;
  v_org text;
  v_funded_account text;
  v_promotional_account text;
  v_earnings_account text;
  v_funded bigint := 0;
  v_promotional bigint := 0;
  v_from_promotional bigint;
  v_from_funded bigint;
  v_position bigint;
  v_version bigint;
  v_recorded timestamptz;
  v_accounts text[] := '{}';
  v_amounts bigint[] := '{}';
  v_overdraft boolean[] := '{}';
  v_sharded boolean[] := '{}';
  v_duplicate boolean;
  v_taken int;
  r record;
begin
  if p_key is not null then
    ${claimSql('$5', '$6', '$9')}
    into v_claimed, v_hash, v_stored;
    if not v_claimed then
      return query select 'in_use'::text, null::text;
      return;
    end if;
    if v_hash is not null then
      if v_hash <> p_request_hash then
        return query select 'mismatch'::text, null::text;
      else
        return query select 'replay'::text, v_stored;
      end if;
      return;
    end if;
  end if;

  select p.id, p.slug, p.organization_id into v_publisher_id, v_publisher_slug, v_publisher_org
  from publishers p where p.slug = p_slug and p.deleted_at is null;
  if not found then
    return query select 'no_publisher'::text, null::text;
    return;
  end if;
  if p_caller_organization is null or v_publisher_org <> p_caller_organization then
    return query select 'forbidden'::text, null::text;
    return;
  end if;
  select w.organization_id into v_org from agent_wallets w where w.address = p_agent_wallet;
  if not found then
    return query select 'insufficient'::text, null::text;
    return;
  end if;

  v_funded_account := replace(p_accounts[1], '{org}', v_org);
  v_promotional_account := replace(p_accounts[2], '{org}', v_org);
  v_earnings_account := replace(p_accounts[3], '{publisher}', v_publisher_id);
  -- the agent's rows in account order, as every posting takes them: charges of one agent take turns
  for r in select b.account, b.balance from ledger_balances b
           where b.account in (v_funded_account, v_promotional_account)
           order by b.account for update loop
    if r.account = v_funded_account then v_funded := r.balance; else v_promotional := r.balance; end if;
  end loop;
  -- decideCharge's split: promotional credit first, then funded credit; 402 when they cannot pay it all
  v_from_promotional := case when v_promotional > 0 then least(p_amount, v_promotional) else 0 end;
  v_from_funded := p_amount - v_from_promotional;
  if v_from_funded > greatest(v_funded, 0) then
    return query select 'insufficient'::text, null::text;
    return;
  end if;

  p_events := jsonb_set(jsonb_set(jsonb_set(jsonb_set(p_events,
    '{0,d,publisherId}', to_jsonb(v_publisher_id)),
    '{0,d,agentOrganizationId}', to_jsonb(v_org)),
    '{0,d,fromPromotionalAtomic}', to_jsonb(v_from_promotional::text)),
    '{0,d,fromFundedAtomic}', to_jsonb(v_from_funded::text));
  ${NEW_STREAM_APPEND_SQL}
  into v_position, v_version, v_recorded;
  if v_version is null then
    raise exception 'charge stream % exists', p_stream_id;
  end if;
  perform charge_created_apply(p_events -> 0 -> 'd');

  -- the entry's lines in account order (agent:…:funded < agent:…:promotional < publisher:…), no zero line
  if v_from_funded > 0 then
    v_accounts := v_accounts || v_funded_account;
    v_amounts := v_amounts || (-v_from_funded);
    v_overdraft := v_overdraft || p_overdraft[1];
    v_sharded := v_sharded || p_sharded[1];
  end if;
  if v_from_promotional > 0 then
    v_accounts := v_accounts || v_promotional_account;
    v_amounts := v_amounts || (-v_from_promotional);
    v_overdraft := v_overdraft || p_overdraft[2];
    v_sharded := v_sharded || p_sharded[2];
  end if;
  v_accounts := v_accounts || v_earnings_account;
  v_amounts := v_amounts || p_amount;
  v_overdraft := v_overdraft || p_overdraft[3];
  v_sharded := v_sharded || p_sharded[3];
  select l.duplicate into v_duplicate from ledger_post(
    p_entry_id, 'charge', p_charge_id, v_org,
    jsonb_build_object('publisher_id', v_publisher_id, 'publisher_slug', v_publisher_slug, 'description', p_description),
    p_now::timestamptz, v_accounts, array_fill(p_asset, array[cardinality(v_accounts)]), v_amounts,
    v_overdraft, v_sharded, '{}'::text[], '{}'::text[]) l;
  if v_duplicate then
    raise exception 'charge % posted twice', p_charge_id;
  end if;

  -- the result as withIdempotency stores it (ChargeView; bigints as {"$bigint": "..."})
  p_result := json_build_object(
    'id', p_charge_id,
    'publisherId', v_publisher_id,
    'publisherSlug', v_publisher_slug,
    'agentOrganizationId', v_org,
    'agentWallet', p_agent_wallet,
    'asset', p_asset,
    'amountAtomic', json_build_object('$bigint', p_amount::text),
    'fromPromotionalAtomic', json_build_object('$bigint', v_from_promotional::text),
    'fromFundedAtomic', json_build_object('$bigint', v_from_funded::text),
    'description', p_description,
    'idempotencyKey', p_key,
    'status', 'succeeded',
    'refundedAtomic', json_build_object('$bigint', '0'),
    'slashedAtomic', json_build_object('$bigint', '0'),
    'refundReason', null,
    'refundedAt', null,
    'createdAt', p_now,
    'updatedAt', p_now)::text;
  if p_key is not null then
    ${storeSql(5)}
    into v_taken;
    if v_taken is null then
      raise exception 'idempotency key taken meanwhile' using errcode = 'SRN01';
    end if;
  end if;
  return query select 'created'::text, p_result;
end`;

/** The statement that (re)creates charge_create as the code now defines it. */
export const chargeFunctionSql = () => `
create or replace function charge_create(
  p_stream_id text, p_event_count int, p_events jsonb, p_stream_type text,
  p_scope text, p_key text, p_request_hash text, p_result text, p_retention_hours int,
  p_caller_organization text, p_slug text, p_agent_wallet text, p_amount bigint, p_charge_id text,
  p_entry_id uuid, p_now text, p_description text, p_asset text,
  p_accounts text[], p_overdraft boolean[], p_sharded boolean[]
) returns table (charge_status text, charge_result text) language plpgsql as $charge$${CHARGE_FUNCTION_BODY}$charge$`;

/** `charges`' row of a ChargeCreated (its data): the one writer of it, for the projection and charge_create. */
export const CHARGE_CREATED_APPLY_SQL = `
create or replace function charge_created_apply(d jsonb) returns void language sql as $$
  insert into charges (id, publisher_id, agent_organization_id, agent_wallet, asset, amount_atomic,
    from_promotional_atomic, from_funded_atomic, description, idempotency_key, status, created_at, updated_at)
  values (d ->> 'chargeId', d ->> 'publisherId', d ->> 'agentOrganizationId', d ->> 'agentWallet', d ->> 'asset',
    (d ->> 'amountAtomic')::bigint, (d ->> 'fromPromotionalAtomic')::bigint, (d ->> 'fromFundedAtomic')::bigint,
    d ->> 'description', d ->> 'idempotencyKey', 'succeeded', (d ->> 'createdAt')::timestamptz,
    (d ->> 'createdAt')::timestamptz)
$$`;
