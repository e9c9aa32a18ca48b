import {
  ContactCreated,
  ContactDeleted,
  ContactTagAdded,
  ContactTagRemoved,
  ContactUpdated,
  type EventOf,
} from '@seren/contracts';

export type ContactEvent = EventOf<
  [
    typeof ContactCreated,
    typeof ContactUpdated,
    typeof ContactTagAdded,
    typeof ContactTagRemoved,
    typeof ContactDeleted,
  ]
>;

export const contactStream = (contactId: string) => `contact-${contactId}`;

type Created = Extract<ContactEvent, { type: 'ContactCreated' }>['data'];

/** A contact's fields as its events left them (what decide needs to tell a change from none). */
export type ContactFields = Omit<Created, 'contactId' | 'locationId' | 'createdAt'>;

export type ContactState =
  | { status: 'none' }
  | ({ status: 'active' | 'deleted'; contactId: string; locationId: string } & ContactFields);

export const initialContactState = (): ContactState => ({ status: 'none' });

export function evolveContact(state: ContactState, event: ContactEvent): ContactState {
  switch (event.type) {
    case 'ContactCreated': {
      const { createdAt: _createdAt, ...fields } = event.data;
      return { status: 'active', ...fields };
    }
    case 'ContactUpdated': {
      if (state.status === 'none') return state;
      const { updatedAt: _updatedAt, contactId: _id, locationId: _location, ...changes } = event.data;
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      return { ...state, ...defined };
    }
    case 'ContactTagAdded':
    case 'ContactTagRemoved':
      return state.status === 'none' ? state : { ...state, tags: event.data.tags };
    case 'ContactDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
