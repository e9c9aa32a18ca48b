import { specOf } from '@seren/testing';
import { opportunityDecider } from './decide';
import type { OpportunityEvent } from './opportunity';

const given = specOf(opportunityDecider);
const now = '2026-12-02T10:00:00.000Z';
const later = '2026-12-02T11:00:00.000Z';
const sales = { id: 'p1', stageIds: ['s1', 's2', 's3'] };
const other = { id: 'p2', stageIds: ['t1', 't2'] };
const created: OpportunityEvent = {
  type: 'OpportunityCreated',
  data: {
    opportunityId: 'o1',
    locationId: 'loc1',
    name: 'Website redesign',
    pipelineId: 'p1',
    pipelineStageId: 's1',
    status: 'open',
    monetaryValue: 1200.5,
    contactId: 'c1',
    assignedTo: null,
    source: null,
    createdAt: now,
  },
};
const create = {
  type: 'CreateOpportunity' as const,
  opportunityId: 'o1',
  locationId: 'loc1',
  name: ' Website redesign ',
  pipeline: sales,
  contactId: 'c1',
  monetaryValue: 1200.5,
  now,
};
const update = { type: 'UpdateOpportunity' as const, locationId: 'loc1', now: later };

describe('opportunities', () => {
  it("opens an opportunity in the pipeline's first stage, status open, its name trimmed", () =>
    given([]).when(create).then([created]));

  it('lists every bad field at once: name, status, value, stage', () => {
    let error: unknown;
    try {
      opportunityDecider.decide(
        { ...create, name: ' ', status: 'closed', monetaryValue: -1, pipelineStageId: 'nope' },
        opportunityDecider.initialState(),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR' });
    const fields = (error as { details: { fields: { field: string }[] } }).details.fields.map((f) => f.field);
    expect(fields.sort()).toEqual(['monetaryValue', 'name', 'pipelineStageId', 'status']);
  });

  it("refuses a pipeline that is not the location's", () =>
    given([])
      .when({ ...create, pipeline: undefined })
      .thenThrows({ code: 'VALIDATION_ERROR' }));

  it('advances the stage, changes the value and closes won: one event each', () =>
    given([created])
      .when({ ...update, pipeline: sales, pipelineStageId: 's3', monetaryValue: 900, status: 'won' })
      .then([
        {
          type: 'OpportunityUpdated',
          data: { opportunityId: 'o1', locationId: 'loc1', monetaryValue: 900, updatedAt: later },
        },
        {
          type: 'OpportunityStageChanged',
          data: {
            opportunityId: 'o1',
            locationId: 'loc1',
            previousPipelineId: 'p1',
            previousStageId: 's1',
            pipelineId: 'p1',
            pipelineStageId: 's3',
            changedAt: later,
          },
        },
        {
          type: 'OpportunityStatusChanged',
          data: {
            opportunityId: 'o1',
            locationId: 'loc1',
            previousStatus: 'open',
            status: 'won',
            changedAt: later,
          },
        },
      ]));

  it("moves to another pipeline's first stage when no stage is named", () =>
    given([created])
      .when({ ...update, pipeline: other })
      .then([
        {
          type: 'OpportunityStageChanged',
          data: {
            opportunityId: 'o1',
            locationId: 'loc1',
            previousPipelineId: 'p1',
            previousStageId: 's1',
            pipelineId: 'p2',
            pipelineStageId: 't1',
            changedAt: later,
          },
        },
      ]));

  it('decides nothing when nothing changes', () =>
    given([created])
      .when({ ...update, name: 'Website redesign', status: 'open', monetaryValue: 1200.5 })
      .thenNothing());

  it("answers another location's opportunity, and a deleted one, as not found", () => {
    given([created])
      .when({ ...update, locationId: 'loc2', name: 'mine' })
      .thenThrows({ code: 'NOT_FOUND' });
    const deleted: OpportunityEvent = {
      type: 'OpportunityDeleted',
      data: { opportunityId: 'o1', locationId: 'loc1', deletedAt: later },
    };
    given([created]).when({ type: 'DeleteOpportunity', locationId: 'loc1', now: later }).then([deleted]);
    given([created, deleted])
      .when({ ...update, name: 'again' })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
