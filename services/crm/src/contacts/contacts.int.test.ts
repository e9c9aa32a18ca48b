import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { startCrmService, type CrmService } from '../service';

// The crm subgraph's contacts on the real PostgreSQL: the duplicate rule under concurrent creates
// (the unique index decides), custom field values checked against the location's definitions,
// cursor pages and search, and another location's contact answered as not found.
describe('crm subgraph: contacts', () => {
  let service: CrmService;
  const location = `loc-${Date.now().toString(36)}`;
  const other = `${location}-other`;
  const as = (organizationId: string) =>
    asCaller({
      subject: 'key-1',
      kind: 'agent',
      via: 'api_key',
      authClass: 'Location',
      organizationId,
      resourceId: organizationId,
    });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the answers' fields freely
  const run = async <T = Record<string, any>>(organizationId: string, query: string, variables = {}) =>
    graphql<T>(service.url, query, variables, await as(organizationId));

  const create = (organizationId: string, input: Record<string, unknown>) =>
    run(
      organizationId,
      `mutation($i: ContactInput!) { createContact(input: $i) { id email phone name tags customFields { id value } dateAdded } }`,
      { i: input },
    );

  beforeAll(async () => {
    service = await startCrmService(testServiceEnv('crm'));
  });
  afterAll(() => service?.close());

  it('stores email lower case and phone E.164, and refuses a second contact with either in the location', async () => {
    const first = await create(location, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: ' Ada@Example.COM ',
      phone: '(415) 555-0100',
    });
    expect(first.errors).toBeUndefined();
    expect(first.data!.createContact).toMatchObject({
      email: 'ada@example.com',
      phone: '+14155550100',
      name: 'Ada Lovelace',
    });
    const again = await create(location, { email: 'ada@example.com' });
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'DUPLICATE_CONTACT',
      meta: { contactId: first.data!.createContact.id, matchingField: 'email' },
    });
    const byPhone = await create(location, { phone: '+1 415 555 0100' });
    expect(byPhone.errors?.[0]?.extensions).toMatchObject({
      reason: 'DUPLICATE_CONTACT',
      meta: { matchingField: 'phone' },
    });
    // another location may hold the same email
    expect((await create(other, { email: 'ada@example.com' })).errors).toBeUndefined();
  });

  it('lets one of ten concurrent creates with the same email win; the others hear of the winner', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        create(location, { email: 'race@example.com', firstName: `R${i}` }),
      ),
    );
    const won = results.filter((r) => !r.errors);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => r.errors))
      expect(lost.errors![0]!.extensions).toMatchObject({
        reason: 'DUPLICATE_CONTACT',
        meta: { contactId: won[0]!.data!.createContact.id },
      });
  });

  it('lists every bad field at once', async () => {
    const bad = await create(location, {
      email: 'nope',
      phone: '12',
      country: 'Narnia',
      dateOfBirth: '1990-02-31',
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');
    expect((bad.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'country',
      'dateOfBirth',
      'email',
      'phone',
    ]);
    const none = await create(location, { firstName: 'No Reach' });
    expect(none.errors?.[0]?.extensions?.fields).toEqual([{ field: 'email', message: expect.any(String) }]);
  });

  it("checks custom field values against the location's definitions, by id or key", async () => {
    const field = await run(
      location,
      `mutation { createCustomField(input: {name: "Favourite Colour", dataType: "SINGLE_OPTIONS", options: ["red", "blue"]}) { id fieldKey } }`,
    );
    expect(field.data!.createCustomField.fieldKey).toBe('contact.favourite_colour');
    const id = field.data!.createCustomField.id;
    const ok = await create(location, {
      email: 'colour@example.com',
      customFields: [{ key: 'contact.favourite_colour', field_value: 'red' }],
    });
    expect(ok.data!.createContact.customFields).toEqual([{ id, value: 'red' }]);
    const wrong = await create(location, {
      email: 'colour2@example.com',
      customFields: [
        { id, value: 'green' },
        { key: 'nope', value: 1 },
      ],
    });
    expect(wrong.errors![0]!.extensions!.fields).toEqual([
      { field: 'customFields.0', message: expect.stringContaining('red, blue') },
      { field: 'customFields.1', message: 'is not a custom field of this location' },
    ]);
    // another location does not know the field
    const elsewhere = await create(other, {
      email: 'colour@example.com',
      customFields: [{ id, value: 'red' }],
    });
    expect(elsewhere.errors![0]!.extensions!.fields).toEqual([
      { field: 'customFields.0', message: 'is not a custom field of this location' },
    ]);
  });

  it('pages newest first by cursor, searches, and hides another location', async () => {
    const pageQuery = `query($l: Int, $a: Float, $i: ID, $f: ContactFilter) {
      contacts(limit: $l, startAfter: $a, startAfterId: $i, filter: $f) { contacts { id email } meta { total startAfterId startAfter currentPage nextPage prevPage } }
    }`;
    const first = await run(location, pageQuery, { l: 2 });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.contacts;
    expect(page1.contacts).toHaveLength(2);
    expect(page1.meta).toMatchObject({
      total: 3,
      currentPage: 1,
      nextPage: 2,
      prevPage: null,
      startAfterId: page1.contacts[1].id,
    });
    const second = (
      await run(location, pageQuery, { l: 2, a: page1.meta.startAfter, i: page1.meta.startAfterId })
    ).data!.contacts;
    expect(second.contacts).toHaveLength(1);
    expect(second.meta).toMatchObject({ total: 3, nextPage: null, startAfterId: null });
    expect(second.contacts[0].email).toBe('ada@example.com');
    const searched = (await run(location, pageQuery, { f: { query: 'LOVE' } })).data!.contacts;
    expect(searched.contacts.map((c: { email: string }) => c.email)).toEqual(['ada@example.com']);
    expect(searched.meta.total).toBe(1);
    const byPhone = (await run(location, pageQuery, { f: { query: '415-555' } })).data!.contacts;
    expect(byPhone.meta.total).toBe(1);
    const ada = searched.contacts[0].id;
    const elsewhere = await run(other, `query($id: ID!) { contact(id: $id) { id } }`, { id: ada });
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const tooMany = await run(location, pageQuery, { l: 101 });
    expect(tooMany.errors?.[0]?.extensions?.fields).toEqual([
      { field: 'limit', message: expect.any(String) },
    ]);
  });

  it("sorts HighLevel's search by each of its fields, both ways, nulls last, and pages alike by page and by searchAfter", async () => {
    const sorted = `${location}-sorts`;
    const people = [
      { firstName: 'bob', lastName: 'Zed', companyName: 'acme', email: 'b1@x.com', source: 'Web' },
      {
        firstName: 'Alice',
        lastName: 'Young',
        companyName: 'Acme',
        phone: '+14155550201',
        source: 'web',
        dnd: true,
      },
      { lastName: 'Young', email: 'a3@x.com' },
      { firstName: 'alice', companyName: 'Beta', email: 'c4@x.com', dnd: true },
      { firstName: 'Carol', lastName: 'Xu', phone: '+14155550205', source: 'Ads' },
      { firstName: 'bob', lastName: 'young', companyName: 'beta', email: 'a6@x.com' },
    ];
    const ids: string[] = [];
    for (const person of people) {
      const made = await create(sorted, person);
      expect(made.errors).toBeUndefined();
      ids.push(made.data!.createContact.id);
    }
    // the first contact changes last: newest by dateUpdated, oldest by dateAdded
    await run(sorted, `mutation($id: ID!) { updateContact(id: $id, input: {city: "Paris"}) { id } }`, {
      id: ids[0],
    });
    const query = `query($s: [ContactSearchSort!], $p: Int, $l: Int, $a: [JSON]) {
      searchContacts(sort: $s, page: $p, pageLimit: $l, searchAfter: $a) {
        contacts { id firstName lastName companyName email source dnd dateAdded dateUpdated }
        meta { total nextPage }
        searchAfter
      }
    }`;
    type Found = {
      contacts: Array<Record<string, string | boolean | null> & { id: string }>;
      meta: { total: number; nextPage: number | null };
      searchAfter: unknown[][];
    };
    const search = async (variables: Record<string, unknown>) => {
      const answer = await run<{ searchContacts: Found }>(sorted, query, variables);
      expect(answer.errors).toBeUndefined();
      return answer.data!.searchContacts;
    };
    const all = (await search({ l: 100 })).contacts;
    expect(all).toHaveLength(6);

    // what each sort means, written out: text by its lower case, no value after every value
    const valueOf = (contact: (typeof all)[number], field: string) => {
      const of: Record<string, unknown> = {
        dateAdded: Date.parse(contact.dateAdded as string),
        dateUpdated: Date.parse(contact.dateUpdated as string),
        firstNameLowerCase: (contact.firstName as string | null)?.toLowerCase() ?? null,
        firstName: (contact.firstName as string | null)?.toLowerCase() ?? null,
        lastNameLowerCase: (contact.lastName as string | null)?.toLowerCase() ?? null,
        businessName: (contact.companyName as string | null)?.toLowerCase() ?? null,
        companyName: (contact.companyName as string | null)?.toLowerCase() ?? null,
        email: contact.email,
        source: (contact.source as string | null)?.toLowerCase() ?? null,
        dnd: contact.dnd,
      };
      return of[field] as number | string | boolean | null;
    };
    const expected = (sort: { field: string; direction: 'asc' | 'desc' }[]) =>
      [...all]
        .sort((a, b) => {
          for (const { field, direction } of sort) {
            const [x, y] = [valueOf(a, field), valueOf(b, field)];
            if (x === y) continue;
            if (x === null) return 1;
            if (y === null) return -1;
            return (x < y ? -1 : 1) * (direction === 'asc' ? 1 : -1);
          }
          return (a.id < b.id ? -1 : 1) * (sort[0]!.direction === 'asc' ? 1 : -1);
        })
        .map((c) => c.id);

    const sorts: { field: string; direction: 'asc' | 'desc' }[][] = [
      [{ field: 'dateAdded', direction: 'asc' }],
      [{ field: 'dateUpdated', direction: 'desc' }],
      [{ field: 'firstNameLowerCase', direction: 'asc' }],
      [{ field: 'firstName', direction: 'desc' }],
      [{ field: 'lastNameLowerCase', direction: 'asc' }],
      [{ field: 'businessName', direction: 'desc' }],
      [{ field: 'companyName', direction: 'asc' }],
      [{ field: 'email', direction: 'asc' }],
      [{ field: 'email', direction: 'desc' }],
      [{ field: 'source', direction: 'asc' }],
      [{ field: 'dnd', direction: 'desc' }],
      [
        { field: 'lastNameLowerCase', direction: 'asc' },
        { field: 'firstNameLowerCase', direction: 'desc' },
      ],
      [
        { field: 'dnd', direction: 'asc' },
        { field: 'businessName', direction: 'asc' },
      ],
    ];
    for (const sort of sorts) {
      const want = expected(sort);
      // by searchAfter, two at a time
      const walked: string[] = [];
      let after: unknown[] | undefined;
      for (let round = 0; round < 5; round++) {
        const page = await search({ s: sort, l: 2, a: after });
        expect(page.searchAfter).toHaveLength(page.contacts.length);
        page.contacts.forEach((contact, index) =>
          expect(page.searchAfter[index]).toEqual([
            ...sort.map((s) => valueOf(contact, s.field)),
            contact.id,
          ]),
        );
        walked.push(...page.contacts.map((c) => c.id));
        if (page.meta.nextPage === null) break;
        after = page.searchAfter[page.searchAfter.length - 1];
      }
      expect({ sort, order: walked }).toEqual({ sort, order: want });
      // by page number
      const paged: string[] = [];
      for (const p of [1, 2, 3])
        paged.push(...(await search({ s: sort, l: 2, p })).contacts.map((c) => c.id));
      expect({ sort, order: paged }).toEqual({ sort, order: want });
    }
    // newest first without a sort; a contact without a first name carries null in its cursor
    expect((await search({ l: 100 })).contacts.map((c) => c.id)).toEqual([...ids].reverse());
    const byName = await search({ s: [{ field: 'firstNameLowerCase', direction: 'asc' }], l: 100 });
    expect(byName.searchAfter[5]).toEqual([null, ids[2]]);

    const refused = await run(sorted, query, {
      s: [
        { field: 'shoeSize', direction: 'asc' },
        { field: 'email', direction: 'up' },
      ],
    });
    expect(refused.errors?.[0]?.extensions?.fields).toEqual([
      { field: 'sort.0.field', message: expect.stringContaining('firstNameLowerCase') },
      { field: 'sort.1.direction', message: 'asc or desc' },
    ]);
    const three = await run(sorted, query, {
      s: [{ field: 'email' }, { field: 'dnd' }, { field: 'source' }],
    });
    expect(three.errors?.[0]?.extensions?.fields).toEqual([
      { field: 'sort', message: 'at most 2 sort fields (the first is primary)' },
    ]);
    const twice = await run(sorted, query, { s: [{ field: 'firstName' }, { field: 'firstNameLowerCase' }] });
    expect(twice.errors?.[0]?.extensions?.fields).toEqual([
      { field: 'sort.1.field', message: 'already sorted by that field' },
    ]);
    for (const [sort, after] of [
      [[{ field: 'dateAdded' }], ['yesterday', ids[0]]],
      [[{ field: 'email' }], [42, ids[0]]],
      [[{ field: 'dateUpdated' }], [9e15, ids[0]]],
      [[{ field: 'dnd' }], [null, ids[0]]],
      [
        [{ field: 'email' }, { field: 'dnd' }],
        ['a3@x.com', ids[0]],
      ],
    ] as const) {
      const wrong = await run(sorted, query, { s: sort, a: after });
      expect(wrong.errors?.[0]?.extensions).toMatchObject({
        code: 'VALIDATION_ERROR',
        fields: [
          { field: 'searchAfter', message: expect.stringContaining("the last contact's searchAfter") },
        ],
      });
    }
  });

  it("extends identity's Organization with its contacts, for the caller's own location only", async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id contacts(limit: 1) { meta { total } } customFields { fieldKey } } } }`;
    const own = await run(location, query, { r: [{ __typename: 'Organization', id: location }] });
    expect(own.errors).toBeUndefined();
    expect(own.data!._entities[0].contacts.meta.total).toBeGreaterThan(0);
    expect(own.data!._entities[0].customFields.map((f: { fieldKey: string }) => f.fieldKey)).toContain(
      'contact.favourite_colour',
    );
    const foreign = await run(other, query, { r: [{ __typename: 'Organization', id: location }] });
    expect(foreign.data!._entities[0]).toEqual({
      id: location,
      contacts: { meta: { total: 0 } },
      customFields: [],
    });
  });

  it('updates, tags and deletes; a deleted contact frees its email', async () => {
    const created = await create(location, { email: 'temp@example.com', tags: ['Lead', 'lead', ' VIP '] });
    const id = created.data!.createContact.id;
    expect(created.data!.createContact.tags).toEqual(['lead', 'vip']);
    const updated = await run(
      location,
      `mutation($id: ID!) { updateContact(id: $id, input: {lastName: "Temp", phone: "+442071838750"}) { name phone } }`,
      { id },
    );
    expect(updated.data!.updateContact).toEqual({ name: 'Temp', phone: '+442071838750' });
    const tagged = await run(
      location,
      `mutation($id: ID!) { addContactTags(id: $id, tags: ["Hot"]) { tags } }`,
      { id },
    );
    expect(tagged.data!.addContactTags.tags).toEqual(['lead', 'vip', 'hot']);
    const { events } = await service.eventStore.readStream(`contact-${id}`);
    expect(events.map((e) => e.type)).toEqual(['ContactCreated', 'ContactUpdated', 'ContactTagAdded']);
    expect(
      (await run(location, `mutation($id: ID!) { deleteContact(id: $id) }`, { id })).data!.deleteContact,
    ).toBe(true);
    expect((await create(location, { email: 'temp@example.com' })).errors).toBeUndefined();
  });
});
