import { LinkOpportunityCreated, LinkOpportunityDeleted, type EventOf } from '@seren/contracts';

export type LinkOpportunityEvent = EventOf<[typeof LinkOpportunityCreated, typeof LinkOpportunityDeleted]>;

export const linkOpportunityStream = (opportunityId: string) => `link-opportunity-${opportunityId}`;

export type LinkOpportunityState =
  | { status: 'none' }
  | { status: 'active' | 'deleted'; opportunityId: string; projectId: string; userId: string };

export const initialLinkOpportunityState = (): LinkOpportunityState => ({ status: 'none' });

export function evolveLinkOpportunity(
  state: LinkOpportunityState,
  event: LinkOpportunityEvent,
): LinkOpportunityState {
  switch (event.type) {
    case 'LinkOpportunityCreated': {
      const { opportunityId, projectId, userId } = event.data;
      return { status: 'active', opportunityId, projectId, userId };
    }
    case 'LinkOpportunityDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
