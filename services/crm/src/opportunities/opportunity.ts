import {
  OpportunityCreated,
  OpportunityDeleted,
  OpportunityStageChanged,
  OpportunityStatusChanged,
  OpportunityUpdated,
  type EventOf,
  type opportunityStatuses,
} from '@seren/contracts';

export type OpportunityEvent = EventOf<
  [
    typeof OpportunityCreated,
    typeof OpportunityUpdated,
    typeof OpportunityStageChanged,
    typeof OpportunityStatusChanged,
    typeof OpportunityDeleted,
  ]
>;

export type OpportunityStatus = (typeof opportunityStatuses)[number];

export const opportunityStream = (opportunityId: string) => `opportunity-${opportunityId}`;

export interface Opportunity {
  opportunityId: string;
  locationId: string;
  name: string;
  pipelineId: string;
  pipelineStageId: string;
  status: OpportunityStatus;
  monetaryValue: number | null;
  contactId: string;
  assignedTo: string | null;
  source: string | null;
}

export type OpportunityState =
  { status: 'none' } | ({ status: 'active' | 'deleted' } & { deal: Opportunity });

export const initialOpportunityState = (): OpportunityState => ({ status: 'none' });

export function evolveOpportunity(state: OpportunityState, event: OpportunityEvent): OpportunityState {
  switch (event.type) {
    case 'OpportunityCreated': {
      const { createdAt: _createdAt, ...deal } = event.data;
      return { status: 'active', deal };
    }
    case 'OpportunityUpdated': {
      if (state.status === 'none') return state;
      const d = event.data;
      return {
        ...state,
        deal: {
          ...state.deal,
          name: d.name ?? state.deal.name,
          monetaryValue: d.monetaryValue === undefined ? state.deal.monetaryValue : d.monetaryValue,
          assignedTo: d.assignedTo === undefined ? state.deal.assignedTo : d.assignedTo,
          source: d.source === undefined ? state.deal.source : d.source,
          contactId: d.contactId ?? state.deal.contactId,
        },
      };
    }
    case 'OpportunityStageChanged':
      if (state.status === 'none') return state;
      return {
        ...state,
        deal: {
          ...state.deal,
          pipelineId: event.data.pipelineId,
          pipelineStageId: event.data.pipelineStageId,
        },
      };
    case 'OpportunityStatusChanged':
      if (state.status === 'none') return state;
      return { ...state, deal: { ...state.deal, status: event.data.status } };
    case 'OpportunityDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
