import { afterCursorSql, cursorPageOf, pageResult } from './pagination';

describe("HighLevel's cursor pagination", () => {
  it('defaults to 20 and takes at most 100, listing every bad field at once', () => {
    expect(cursorPageOf({})).toEqual({ limit: 20, startAfter: null, startAfterId: null, page: 1 });
    expect(
      cursorPageOf({ limit: 100, startAfter: 1_700_000_000_000, startAfterId: ' c9 ', page: 3 }),
    ).toEqual({
      limit: 100,
      startAfter: new Date(1_700_000_000_000),
      startAfterId: 'c9',
      page: 3,
    });
    try {
      cursorPageOf({ limit: 101, startAfter: -1, page: 0 });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: {
          fields: [
            { field: 'limit', message: expect.any(String) },
            { field: 'startAfter', message: expect.any(String) },
            { field: 'page', message: expect.any(String) },
          ],
        },
      });
    }
  });

  it("gives the next page's cursor from the last record when one more row was read, none on the last page", () => {
    const page = cursorPageOf({ limit: 2, page: 2 });
    const rows = [
      { id: 'a', at: new Date(3000) },
      { id: 'b', at: new Date(2000) },
      { id: 'c', at: new Date(1000) },
    ];
    expect(pageResult(page, rows, 7, (r) => r)).toEqual({
      items: rows.slice(0, 2),
      meta: { total: 7, startAfterId: 'b', startAfter: 2000, currentPage: 2, nextPage: 3, prevPage: 1 },
    });
    expect(pageResult(page, rows.slice(0, 2), 7, (r) => r).meta).toEqual({
      total: 7,
      startAfterId: null,
      startAfter: null,
      currentPage: 2,
      nextPage: null,
      prevPage: 1,
    });
  });

  it('continues strictly after the cursor, newest first', () => {
    const columns = { time: 'date_added', id: 'id', table: 'contacts' };
    expect(afterCursorSql(cursorPageOf({}), columns, 2)).toEqual({ sql: 'true', params: [] });
    const both = afterCursorSql(cursorPageOf({ startAfter: 5, startAfterId: 'x' }), columns, 2);
    expect(both).toEqual({
      sql: '(date_added, id) < ($2::timestamptz, $3::text)',
      params: [new Date(5), 'x'],
    });
    expect(afterCursorSql(cursorPageOf({ startAfterId: 'x' }), columns, 4).sql).toBe(
      '(date_added, id) < (select date_added, id from contacts where id = $4::text)',
    );
  });
});
