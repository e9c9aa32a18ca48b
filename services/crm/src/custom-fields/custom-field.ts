import { CustomFieldCreated, CustomFieldDeleted, CustomFieldUpdated, type EventOf } from '@seren/contracts';
import type { CustomFieldDataType } from './values.js';

export type CustomFieldEvent = EventOf<
  [typeof CustomFieldCreated, typeof CustomFieldUpdated, typeof CustomFieldDeleted]
>;

export const customFieldStream = (customFieldId: string) => `custom-field-${customFieldId}`;

export type CustomFieldState =
  | { status: 'none' }
  | {
      status: 'active' | 'deleted';
      customFieldId: string;
      locationId: string;
      name: string;
      fieldKey: string;
      dataType: CustomFieldDataType;
      placeholder: string | null;
      options: string[];
      position: number;
    };

export const initialCustomFieldState = (): CustomFieldState => ({ status: 'none' });

export function evolveCustomField(state: CustomFieldState, event: CustomFieldEvent): CustomFieldState {
  switch (event.type) {
    case 'CustomFieldCreated': {
      const { createdAt: _createdAt, ...fields } = event.data;
      return { status: 'active', ...fields };
    }
    case 'CustomFieldUpdated': {
      if (state.status === 'none') return state;
      const { updatedAt: _updatedAt, customFieldId: _id, locationId: _location, ...changes } = event.data;
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      return { ...state, ...defined };
    }
    case 'CustomFieldDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
