// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * HighLevel's search sorts (contacts/queries.ts, CONTACT_SORT_KEYS): one index per sort key after the
 * location and before the id, so a page by any of them is an ordered index scan from the cursor,
 * not a sort of a million-contact location. Their expressions are the queries' exactly (text lower
 * case in code-point order, `collate "C"`), or the planner would not use them. dateAdded already has
 * `contacts_location_added`. Each index is one more write per contact change: the price of sorting
 * by it. Built in the migration's transaction (not `concurrently`): writes to contacts wait while they
 * build, seconds at a million contacts.
 */
export class ContactsSearchSortIndexes1797200100000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`create index contacts_location_updated on contacts (location_id, date_updated, id)`);
    await runner.query(
      `create index contacts_location_first_name on contacts (location_id, (lower(first_name) collate "C"), id)`,
    );
    await runner.query(
      `create index contacts_location_last_name on contacts (location_id, (lower(last_name) collate "C"), id)`,
    );
    await runner.query(
      `create index contacts_location_company on contacts (location_id, (lower(company_name) collate "C"), id)`,
    );
    await runner.query(
      `create index contacts_location_email_order on contacts (location_id, (email collate "C"), id)`,
    );
    await runner.query(
      `create index contacts_location_source on contacts (location_id, (lower(source) collate "C"), id)`,
    );
    await runner.query(`create index contacts_location_dnd on contacts (location_id, dnd, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const index of [
      'contacts_location_dnd',
      'contacts_location_source',
      'contacts_location_email_order',
      'contacts_location_company',
      'contacts_location_last_name',
      'contacts_location_first_name',
      'contacts_location_updated',
    ])
      await runner.query(`drop index if exists ${index}`);
  }
}
