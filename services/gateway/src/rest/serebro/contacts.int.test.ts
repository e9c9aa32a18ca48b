import { HighLevel } from '@gohighlevel/api-client';
import { waitForEvent } from '@seren/testing';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';
import { eventuallyValue, serebroRecords } from '../../test-support/serebro-records';

// Serebro §3.1 Contacts through the gateway, on the real identity, crm, PostgreSQL and Kafka: v1 with
// location and agency API keys at the spec's paths, v2 with private integration tokens at the spec's
// and HighLevel's paths; HighLevel's bodies, error body, duplicate rule, cursor pages and Version
// header; and the tenancy rule on every contacts row.

const contactKeys = [
  'id',
  'locationId',
  'firstName',
  'lastName',
  'name',
  'email',
  'phone',
  'companyName',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
  'website',
  'timezone',
  'dnd',
  'tags',
  'source',
  'customFields',
  'assignedTo',
  'dateOfBirth',
  'dateAdded',
  'dateUpdated',
].sort();

describe('Serebro contacts (v1 and v2, spec and HighLevel paths)', () => {
  let oauth: SerebroOAuth;
  let s: RestSuite;
  let records: ReturnType<typeof serebroRecords>;
  let home: string;
  let neighbour: string;
  let locationKey: string;
  let agencyKey: string;
  let pit: string;

  beforeAll(async () => {
    oauth = await startSerebroOAuth({
      user: 'contacts',
      agency: 'Contacts Agency',
      locations: ['Home', 'Neighbour'],
    });
    ({ s } = oauth);
    records = serebroRecords(oauth);
    [home, neighbour] = oauth.locations as [string, string];
    [locationKey, agencyKey, pit] = await Promise.all([
      records.apiKey(home),
      records.apiKey(oauth.agencyId),
      records.pit(home, ['contacts.readonly', 'contacts.write', 'locations.readonly', 'locations.write']),
    ]);
  }, 90_000);
  afterAll(() => s?.close());

  it('creates, reads, updates, lists and deletes a contact on v1 with a location API key', async () => {
    const created = await s.serebro('POST', '/contacts', {
      token: locationKey,
      body: {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'Grace@Navy.MIL',
        phone: '(202) 555-0143',
        country: 'US',
        tags: ['Admiral', 'cobol'],
        source: 'api',
        dateOfBirth: '1906-12-09',
      },
    });
    expect(created.status).toBe(201);
    const contact = created.body.contact;
    expect(Object.keys(contact).sort()).toEqual(contactKeys);
    expect(contact).toMatchObject({
      locationId: home,
      name: 'Grace Hopper',
      email: 'grace@navy.mil',
      phone: '+12025550143',
      tags: ['admiral', 'cobol'],
      dnd: false,
      customFields: [],
      dateOfBirth: '1906-12-09',
    });

    const got = await s.serebro('GET', `/contacts/${contact.id}`, { token: locationKey });
    expect(got.body).toEqual({ contact });

    const patched = await s.serebro('PATCH', `/contacts/${contact.id}`, {
      token: locationKey,
      body: { companyName: 'US Navy', dnd: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.succeded).toBe(true);
    expect(patched.body.contact).toMatchObject({
      companyName: 'US Navy',
      dnd: true,
      email: 'grace@navy.mil',
    });
    const put = await s.serebro('PUT', `/contacts/${contact.id}`, {
      token: locationKey,
      body: { tags: ['legend'] },
    });
    expect(put.body.contact.tags).toEqual(['legend']);

    const listed = await s.serebro('GET', '/contacts?tags=legend&name=hopper', { token: locationKey });
    expect(listed.status).toBe(200);
    expect(listed.body.contacts.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    expect(listed.body.meta).toEqual({
      total: 1,
      nextPageUrl: null,
      startAfterId: null,
      startAfter: null,
      currentPage: 1,
      nextPage: null,
      prevPage: null,
    });

    const deleted = await s.serebro('DELETE', `/contacts/${contact.id}`, { token: locationKey });
    expect({ status: deleted.status, body: deleted.body }).toEqual({ status: 200, body: { succeded: true } });
    const gone = await s.serebro('GET', `/contacts/${contact.id}`, { token: locationKey });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ statusCode: 404, error: { code: 'NOT_FOUND' } });

    // the events reach Kafka (crm's outbox relay), keyed by its stream
    const event = await waitForEvent(
      'crm.contact',
      (e) => e.type === 'ContactDeleted' && e.key === `contact-${contact.id}`,
    );
    expect(event.data).toMatchObject({ contactId: contact.id, locationId: home });
  }, 60_000);

  it("lands in the location's audit log (identity reads crm's topics)", async () => {
    const created = await s.serebro('POST', '/contacts', {
      token: locationKey,
      body: { email: 'audited@example.com' },
    });
    expect(created.status).toBe(201);
    const id = created.body.contact.id as string;
    const entry = await eventuallyValue(async () => {
      const { auditLogs } = await oauth.asOwner<{
        auditLogs: { items: { eventType: string; resourceId: string | null; organizationId: string }[] };
      }>(
        `query($o: ID!) { auditLogs(organizationId: $o, limit: 100) { items { eventType resourceId organizationId } } }`,
        {
          o: home,
        },
      );
      return auditLogs.items.find(
        (item) => item.eventType === 'ContactCreated' && JSON.stringify(item).includes(id),
      );
    }, 30_000);
    expect(entry).toMatchObject({ eventType: 'ContactCreated', organizationId: home });
  }, 45_000);

  it("answers a duplicate email or phone with 400 and HighLevel's meta naming the existing contact", async () => {
    const first = await s.serebro('POST', '/contacts', {
      token: locationKey,
      body: { email: 'dup@example.com', firstName: 'Dee' },
    });
    expect(first.status).toBe(201);
    const again = await s.serebro('POST', '/contacts', {
      token: locationKey,
      body: { email: 'DUP@example.com' },
    });
    expect({ status: again.status, body: again.body }).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        message: 'This location does not allow duplicated contacts.',
        error: { code: 'DUPLICATE_CONTACT', message: 'This location does not allow duplicated contacts.' },
        meta: { contactId: first.body.contact.id, contactName: 'Dee', matchingField: 'email' },
      },
    });
    // in another location (the agency key names it) the same email is a new contact
    const elsewhere = await s.serebro('POST', '/contacts', {
      token: agencyKey,
      body: { locationId: neighbour, email: 'dup@example.com' },
    });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.contact.locationId).toBe(neighbour);
  });

  it('lists every bad field in one 400, from the edge and from the service', async () => {
    const edge = await s.serebro('POST', '/contacts', {
      token: locationKey,
      body: { email: 5, dnd: 'yes', tags: 'one' },
    });
    expect(edge.status).toBe(400);
    expect(edge.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'body.dnd',
      'body.email',
      'body.tags',
    ]);
    const service = await s.serebro('POST', '/contacts', {
      token: locationKey,
      body: { email: 'not-an-email', phone: '123', timezone: 'Mars/Olympus', country: 'USA' },
    });
    expect(service.status).toBe(400);
    expect(service.body.error.code).toBe('VALIDATION_ERROR');
    expect(service.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'country',
      'email',
      'phone',
      'timezone',
    ]);
    expect(service.body.statusCode).toBe(400);
    const limit = await s.serebro('GET', '/contacts?limit=101', { token: locationKey });
    expect(limit.status).toBe(400);
    expect(limit.body.error.fields).toEqual([{ field: 'limit', message: expect.any(String) }]);
  });

  it("pages by cursor and follows meta.nextPageUrl on HighLevel's GET /v2/contacts/", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await s.serebro('POST', '/v2/contacts/', {
        token: pit,
        headers: { version: '2021-07-28' },
        body: { locationId: home, email: `pager${i}@example.com`, tags: ['pager'] },
      });
      expect(r.status).toBe(201);
      made.unshift(r.body.contact.id); // newest first
    }
    const seen: string[] = [];
    let url: string | null = `/v2/contacts/?locationId=${home}&limit=2&query=pager`;
    let pages = 0;
    while (url) {
      const r = await s.serebro('GET', url, { token: pit });
      expect(r.status).toBe(200);
      seen.push(...r.body.contacts.map((c: { id: string }) => c.id));
      expect(r.body.meta.total).toBe(5);
      pages += 1;
      expect(r.body.meta.currentPage).toBe(pages);
      url = r.body.meta.nextPageUrl
        ? new URL(r.body.meta.nextPageUrl).pathname + new URL(r.body.meta.nextPageUrl).search
        : null;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(made);
  });

  it("searches with HighLevel's POST /v2/contacts/search: query, filters, sort, page and searchAfter", async () => {
    for (const [first, email] of [
      ['Search', 'alpha.search@example.com'],
      ['Search', 'beta.search@example.com'],
      ['Other', 'gamma.search@example.com'],
    ])
      await s.serebro('POST', '/v2/contacts/', {
        token: pit,
        body: { firstName: first, email, tags: ['searchable'] },
      });
    const search = (body: Record<string, unknown>) =>
      s.serebro('POST', '/v2/contacts/search', { token: pit, body: { locationId: home, ...body } });
    const byQuery = await search({ query: 'beta.sea' });
    expect(byQuery.status).toBe(200);
    expect(byQuery.body.total).toBe(1);
    expect(byQuery.body.contacts[0]).toMatchObject({ email: 'beta.search@example.com' });
    expect(byQuery.body.contacts[0].searchAfter).toEqual([
      Date.parse(byQuery.body.contacts[0].dateAdded),
      byQuery.body.contacts[0].id,
    ]);
    const filtered = await search({
      filters: [
        { field: 'firstName', operator: 'eq', value: 'Search' },
        { group: 'AND', filters: [{ field: 'tags', operator: 'contains', value: 'searchable' }] },
      ],
      sort: [{ field: 'dateAdded', direction: 'asc' }],
      pageLimit: 1,
    });
    expect(filtered.body.total).toBe(2);
    expect(filtered.body.contacts.map((c: { email: string }) => c.email)).toEqual([
      'alpha.search@example.com',
    ]);
    const next = await search({
      filters: [{ field: 'firstName', operator: 'eq', value: 'Search' }],
      sort: [{ field: 'dateAdded', direction: 'asc' }],
      pageLimit: 1,
      searchAfter: filtered.body.contacts[0].searchAfter,
    });
    expect(next.body.contacts.map((c: { email: string }) => c.email)).toEqual(['beta.search@example.com']);
    const page2 = await search({
      filters: [{ field: 'firstName', operator: 'eq', value: 'Search' }],
      pageLimit: 1,
      page: 2,
    });
    expect(page2.body.contacts.map((c: { email: string }) => c.email)).toEqual(['alpha.search@example.com']);
    // HighLevel's other sorts: first name (lower case) then email, each contact's searchAfter their values
    const searchable = [{ field: 'tags', operator: 'contains', value: 'searchable' }];
    const byName = [
      { field: 'firstNameLowerCase', direction: 'asc' },
      { field: 'email', direction: 'desc' },
    ];
    const named = await search({ filters: searchable, sort: byName, pageLimit: 2 });
    expect(named.status).toBe(200);
    expect(named.body.contacts.map((c: { email: string }) => c.email)).toEqual([
      'gamma.search@example.com',
      'beta.search@example.com',
    ]);
    expect(named.body.contacts[0].searchAfter).toEqual([
      'other',
      'gamma.search@example.com',
      named.body.contacts[0].id,
    ]);
    const namedNext = await search({
      filters: searchable,
      sort: byName,
      pageLimit: 2,
      searchAfter: named.body.contacts[1].searchAfter,
    });
    expect(namedNext.body.contacts.map((c: { email: string }) => c.email)).toEqual([
      'alpha.search@example.com',
    ]);
    // none of them has a business name: null in the cursor, and the cursor goes back as it came
    const byBusiness = await search({
      filters: searchable,
      sort: [{ field: 'businessName', direction: 'asc' }],
      pageLimit: 1,
    });
    expect(byBusiness.body.contacts[0].searchAfter).toEqual([null, byBusiness.body.contacts[0].id]);
    const businessNext = await search({
      filters: searchable,
      sort: [{ field: 'businessName', direction: 'asc' }],
      pageLimit: 5,
      searchAfter: byBusiness.body.contacts[0].searchAfter,
    });
    expect(businessNext.status).toBe(200);
    expect(businessNext.body.contacts).toHaveLength(2);
    expect(businessNext.body.contacts.map((c: { id: string }) => c.id)).not.toContain(
      byBusiness.body.contacts[0].id,
    );
    const bad = await search({
      filters: [
        { field: 'shoeSize', operator: 'eq', value: 9 },
        { field: 'email', operator: 'near' },
      ],
      sort: [{ field: 'rating', direction: 'asc' }],
      pageLimit: 500,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
      'filters.0.field',
      'filters.1.operator',
      'sort.0.field',
      'pageLimit',
    ]);
    const threeSorts = await search({
      sort: [{ field: 'email' }, { field: 'dnd' }, { field: 'source' }],
    });
    expect(threeSorts.status).toBe(400);
    expect(threeSorts.body.error.fields).toEqual([
      { field: 'sort', message: 'at most 2 sort fields (the first is primary)' },
    ]);
    const staleCursor = await search({ sort: byName, searchAfter: filtered.body.contacts[0].searchAfter });
    expect(staleCursor.status).toBe(400);
    expect(staleCursor.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['searchAfter']);
  });

  it("adds and removes tags on HighLevel's /v2/contacts/{id}/tags", async () => {
    const created = await s.serebro('POST', '/v2/contacts', {
      token: pit,
      body: { email: 'tags@example.com', tags: ['a'] },
    });
    const id = created.body.contact.id;
    const added = await s.serebro('POST', `/v2/contacts/${id}/tags`, {
      token: pit,
      body: { tags: ['B', 'c'] },
    });
    expect({ status: added.status, body: added.body }).toEqual({
      status: 201,
      body: { tags: ['a', 'b', 'c'] },
    });
    const removed = await s.serebro('DELETE', `/v2/contacts/${id}/tags`, {
      token: pit,
      body: { tags: ['a'] },
    });
    expect(removed.body).toEqual({ tags: ['b', 'c'] });
    const event = await waitForEvent(
      'crm.contact',
      (e) => e.type === 'ContactTagAdded' && e.key === `contact-${id}`,
    );
    expect(event.data).toMatchObject({ added: ['b', 'c'], tags: ['a', 'b', 'c'] });
  }, 40_000);

  it("defines custom fields on the location and checks contacts' values against them", async () => {
    const field = await s.serebro('POST', `/v2/locations/${home}/customFields`, {
      token: pit,
      body: { name: 'Shirt Size', dataType: 'SINGLE_OPTIONS', picklistOptions: ['S', 'M', 'L'] },
    });
    expect(field.status).toBe(201);
    expect(field.body.customField).toMatchObject({
      fieldKey: 'contact.shirt_size',
      picklistOptions: ['S', 'M', 'L'],
      model: 'contact',
    });
    const listed = await s.serebro('GET', `/v2/locations/${home}/customFields`, { token: pit });
    expect(listed.body.customFields.map((f: { id: string }) => f.id)).toContain(field.body.customField.id);
    const ok = await s.serebro('POST', '/v2/contacts/', {
      token: pit,
      body: { email: 'shirt@example.com', customFields: [{ key: 'shirt_size', field_value: 'M' }] },
    });
    expect(ok.body.contact.customFields).toEqual([{ id: field.body.customField.id, value: 'M' }]);
    const bad = await s.serebro('POST', '/v2/contacts/', {
      token: pit,
      body: {
        email: 'shirt2@example.com',
        customFields: [{ id: field.body.customField.id, field_value: 'XXL' }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([
      { field: 'customFields.0', message: expect.stringContaining('S, M, L') },
    ]);
    const renamed = await s.serebro(
      'PUT',
      `/v2/locations/${home}/customFields/${field.body.customField.id}`,
      {
        token: pit,
        body: { name: 'T-Shirt Size' },
      },
    );
    expect(renamed.body.customField).toMatchObject({ name: 'T-Shirt Size', fieldKey: 'contact.shirt_size' });
    // another location's path is refused at the edge
    const foreign = await s.serebro('GET', `/v2/locations/${neighbour}/customFields`, { token: pit });
    expect(foreign.status).toBe(403);
  });

  it('takes the Version header absent or as a HighLevel date, and refuses any other with 400', async () => {
    for (const version of ['2021-07-28', '2021-04-15', '2023-02-21'])
      expect((await s.serebro('GET', '/v2/contacts/', { token: pit, headers: { version } })).status).toBe(
        200,
      );
    const bad = await s.serebro('GET', '/v2/contacts/', { token: pit, headers: { version: '2099-01-01' } });
    expect({ status: bad.status, code: bad.body.error.code, statusCode: bad.body.statusCode }).toEqual({
      status: 400,
      code: 'INVALID_VERSION',
      statusCode: 400,
    });
  });

  it('refuses a token without the contacts scopes', async () => {
    const readOnly = await records.pit(home, ['contacts.readonly']);
    expect((await s.serebro('GET', '/v2/contacts', { token: readOnly })).status).toBe(200);
    const write = await s.serebro('POST', '/v2/contacts', {
      token: readOnly,
      body: { email: 'scope@example.com' },
    });
    expect({ status: write.status, code: write.body.error.code }).toEqual({
      status: 401,
      code: 'UNAUTHORIZED_SCOPE',
    });
  });

  it("serves HighLevel's official SDK with only its base URL changed: create, get, update, search, tags and delete", async () => {
    const ghl = new HighLevel({ privateIntegrationToken: pit, logLevel: 'none' });
    ghl.getHttpClient().defaults.baseURL = `${s.gateway.listeners.serebro.url}/v2`;
    const created = await ghl.contacts.createContact({
      locationId: home,
      firstName: 'Sdk',
      lastName: 'User',
      email: 'SDK.User@example.com',
      phone: '+1 202 555 0199',
      tags: ['sdk'],
    });
    const id = created.contact!.id!;
    expect(created.contact).toMatchObject({
      email: 'sdk.user@example.com',
      phone: '+12025550199',
      locationId: home,
    });
    const got = await ghl.contacts.getContact({ contactId: id });
    expect(got.contact).toMatchObject({ id, name: 'Sdk User' });
    const updated = await ghl.contacts.updateContact({ contactId: id }, { city: 'Arlington' });
    expect(updated).toMatchObject({ succeded: true, contact: { city: 'Arlington' } });
    const found = await ghl.contacts.searchContactsAdvanced({
      locationId: home,
      query: 'sdk.user',
      pageLimit: 10,
    } as never);
    expect(found.total).toBe(1);
    expect(found.contacts[0].id).toBe(id);
    const listed = await ghl.contacts.getContacts({ locationId: home, query: 'sdk.user', limit: 5 });
    expect(listed.contacts!.map((c) => c.id)).toEqual([id]);
    const tagged = await ghl.contacts.addTags({ contactId: id }, { tags: ['vip'] });
    expect(tagged.tags).toEqual(['sdk', 'vip']);
    const deleted = await ghl.contacts.deleteContact({ contactId: id });
    expect(deleted).toEqual({ succeded: true });
    // the SDK's errors carry Serebro's body with HighLevel's statusCode and message
    await expect(ghl.contacts.getContact({ contactId: id })).rejects.toMatchObject({ statusCode: 404 });
  });

  // Every contacts row, once per credential that may not act there: 403. (A location key naming
  // another location, an agency key naming no location, or a location of another agency.)
  it('refuses every contacts row to a credential outside its location (403)', async () => {
    const foreignAgency = await s.client.ok<{ createAgency: { id: string } }>(
      `mutation($n: String!) { createAgency(name: $n) { id } }`,
      { n: 'Foreign' },
      { token: oauth.owner.token },
    );
    const foreign = (
      await s.client.ok<{ createLocation: { id: string } }>(
        `mutation($a: ID!, $n: String!) { createLocation(agencyId: $a, name: $n) { id } }`,
        { a: foreignAgency.createAgency.id, n: 'Foreign location' },
        { token: oauth.owner.token },
      )
    ).createLocation.id;
    const contact = (
      await s.serebro('POST', '/contacts', { token: locationKey, body: { email: 'tenant@example.com' } })
    ).body.contact.id;
    const v2Pit = await records.pit(oauth.agencyId, [
      'contacts.readonly',
      'contacts.write',
      'locations.readonly',
      'locations.write',
    ]);
    const rows: Array<[string, string, unknown?]> = [
      ['GET', '/contacts'],
      ['POST', '/contacts', { email: 'x@example.com' }],
      ['GET', `/contacts/${contact}`],
      ['PUT', `/contacts/${contact}`, { firstName: 'X' }],
      ['PATCH', `/contacts/${contact}`, { firstName: 'X' }],
      ['DELETE', `/contacts/${contact}`],
    ];
    const v2Rows: Array<[string, string, unknown?]> = [
      ...rows.map(([m, p, b]) => [m, `/v2${p}`, b] as [string, string, unknown?]),
      ['GET', '/v2/contacts/'],
      ['POST', '/v2/contacts/', { email: 'x@example.com' }],
      ['POST', '/v2/contacts/search', {}],
      ['POST', `/v2/contacts/${contact}/tags`, { tags: ['x'] }],
      ['DELETE', `/v2/contacts/${contact}/tags`, { tags: ['x'] }],
    ];
    const withLocation = (path: string, body: unknown, locationId: string | undefined) => {
      if (locationId === undefined) return { path, body };
      if (body !== undefined) return { path, body: { ...(body as object), locationId } };
      return { path: `${path}${path.includes('?') ? '&' : '?'}locationId=${locationId}`, body };
    };
    const cases: Array<{ who: string; token: string; locationId?: string; table: typeof rows }> = [
      {
        who: 'a location key naming another location',
        token: locationKey,
        locationId: neighbour,
        table: rows,
      },
      { who: 'an agency key naming no location', token: agencyKey, table: rows },
      {
        who: "an agency key naming another agency's location",
        token: agencyKey,
        locationId: foreign,
        table: rows,
      },
      { who: 'a location PIT naming another location', token: pit, locationId: neighbour, table: v2Rows },
      { who: 'an agency PIT naming no location', token: v2Pit, table: v2Rows },
    ];
    const custom = [
      ['GET', `/locations/${neighbour}/customFields`],
      ['POST', `/locations/${neighbour}/customFields`, { name: 'X', dataType: 'TEXT' }],
      ['GET', `/locations/${neighbour}/customFields/none`],
      ['PUT', `/locations/${neighbour}/customFields/none`, { name: 'Y' }],
      ['DELETE', `/locations/${neighbour}/customFields/none`],
    ] as Array<[string, string, unknown?]>;
    const failures: string[] = [];
    for (const { who, token, locationId, table } of cases) {
      for (const [method, raw, rawBody] of table) {
        const { path, body } = withLocation(raw, rawBody, locationId);
        const r = await s.serebro(method, path, { token, body });
        if (r.status !== 403) failures.push(`${who}: ${method} ${path} → ${r.status} ${r.text}`);
      }
    }
    for (const [method, path, body] of custom)
      for (const [token, prefix] of [
        [locationKey, ''],
        [pit, '/v2'],
      ] as const) {
        const r = await s.serebro(method, `${prefix}${path}`, { token, body });
        if (r.status !== 403) failures.push(`location credential: ${method} ${prefix}${path} → ${r.status}`);
      }
    expect(failures).toEqual([]);
    // and the agency key naming its own location acts there
    const own = await s.serebro('GET', `/contacts/${contact}?locationId=${home}`, { token: agencyKey });
    expect(own.status).toBe(200);
  }, 90_000);
});
