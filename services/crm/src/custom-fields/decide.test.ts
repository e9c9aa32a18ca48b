import { specOf } from '@seren/testing';
import type { CustomFieldEvent } from './custom-field';
import { customFieldDecider, fieldKeyOf } from './decide';

const given = specOf(customFieldDecider);
const now = '2026-12-01T10:00:00.000Z';
const created: CustomFieldEvent = {
  type: 'CustomFieldCreated',
  data: {
    customFieldId: 'f1',
    locationId: 'loc1',
    name: 'Favourite Colour',
    fieldKey: 'contact.favourite_colour',
    dataType: 'SINGLE_OPTIONS',
    placeholder: null,
    options: ['red', 'blue'],
    position: 0,
    createdAt: now,
  },
};

describe('custom fields', () => {
  it('keys a field by its name, as HighLevel: contact.<snake_case>', () => {
    expect(fieldKeyOf('Favourite Colour')).toBe('contact.favourite_colour');
    expect(fieldKeyOf('  Crème brûlée #1 ')).toBe('contact.creme_brulee_1');
  });

  it('creates a field with its type and options', () =>
    given([])
      .when({
        type: 'CreateCustomField',
        customFieldId: 'f1',
        locationId: 'loc1',
        input: { name: 'Favourite Colour', dataType: 'single_options', options: ['red', 'blue', 'red'] },
        now,
      })
      .then([created]));

  it('refuses an unknown type and an option field without options, in one answer', () =>
    given([])
      .when({
        type: 'CreateCustomField',
        customFieldId: 'f1',
        locationId: 'loc1',
        input: { name: '', dataType: 'SHOE' },
        now,
      })
      .thenThrows({
        code: 'VALIDATION_ERROR',
        details: {
          fields: [
            { field: 'name', message: expect.any(String) },
            { field: 'dataType', message: expect.any(String) },
          ],
        },
      }));

  it('renames and re-orders; the key and type stay; the same values change nothing', () => {
    given([created])
      .when({ type: 'UpdateCustomField', input: { name: 'Colour', options: ['red', 'blue', 'green'] }, now })
      .then([
        {
          type: 'CustomFieldUpdated',
          data: {
            customFieldId: 'f1',
            locationId: 'loc1',
            name: 'Colour',
            options: ['red', 'blue', 'green'],
            updatedAt: now,
          },
        },
      ]);
    given([created])
      .when({ type: 'UpdateCustomField', input: { name: 'Favourite Colour' }, now })
      .thenNothing();
    given([created])
      .when({ type: 'UpdateCustomField', input: { options: [] }, now })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('deletes once', () => {
    const deleted: CustomFieldEvent = {
      type: 'CustomFieldDeleted',
      data: { customFieldId: 'f1', locationId: 'loc1', deletedAt: now },
    };
    given([created]).when({ type: 'DeleteCustomField', now }).then([deleted]);
    given([created, deleted]).when({ type: 'DeleteCustomField', now }).thenThrows({ code: 'NOT_FOUND' });
  });
});
