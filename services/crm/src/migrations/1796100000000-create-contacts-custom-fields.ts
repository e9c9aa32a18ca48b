// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Contacts and custom fields (contacts/projection.ts, custom-fields/projection.ts). A location's list
 * is read newest first by keyset (`contacts_location_added`); email and phone are unique per location
 * (the duplicate rule holds under concurrent creates: the second insert fails in its transaction);
 * `search` (lower-cased name, email, phone digits, company) has a trigram index for `query`;
 * email prefixes use `contacts_location_email` (text_pattern_ops); tags a GIN index. `contact_counts`
 * keeps each location's total so an unfiltered page does not count a million rows.
 */
export class CreateContactsCustomFields1796100000000 {
  async up(runner: QueryRunner): Promise<void> {
    // the template's worked example (echo/) is gone; its table goes with it
    await runner.query(`drop table if exists echoes`);
    await runner.query(`create extension if not exists pg_trgm`);
    await runner.query(`
      create table contacts (
        id text primary key,
        location_id text not null,
        first_name text,
        last_name text,
        name text,
        email text,
        phone text,
        company_name text,
        address1 text,
        city text,
        state text,
        postal_code text,
        country text,
        website text,
        timezone text,
        dnd boolean not null default false,
        tags text[] not null default '{}',
        source text,
        assigned_to text,
        date_of_birth text,
        custom_fields jsonb not null default '[]',
        search text not null default '',
        date_added timestamptz not null,
        date_updated timestamptz not null
      )`);
    await runner.query(
      `create index contacts_location_added on contacts (location_id, date_added desc, id desc)`,
    );
    await runner.query(
      `create unique index contacts_location_email_unique on contacts (location_id, email) where email is not null`,
    );
    await runner.query(
      `create unique index contacts_location_phone_unique on contacts (location_id, phone) where phone is not null`,
    );
    await runner.query(
      `create index contacts_location_email on contacts (location_id, email text_pattern_ops) where email is not null`,
    );
    await runner.query(`create index contacts_search on contacts using gin (search gin_trgm_ops)`);
    await runner.query(`create index contacts_tags on contacts using gin (tags)`);
    await runner.query(`
      create table contact_counts (
        location_id text primary key,
        total bigint not null default 0
      )`);
    await runner.query(`
      create table custom_fields (
        id text primary key,
        location_id text not null,
        name text not null,
        field_key text not null,
        data_type text not null,
        placeholder text,
        options text[] not null default '{}',
        position integer not null default 0,
        date_added timestamptz not null,
        unique (location_id, field_key)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table custom_fields');
    await runner.query('drop table contact_counts');
    await runner.query('drop table contacts');
  }
}
