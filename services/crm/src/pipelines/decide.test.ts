import { specOf } from '@seren/testing';
import { pipelineDecider } from './decide';
import { defaultPipelineId, type PipelineEvent } from './pipeline';

const given = specOf(pipelineDecider);
const now = '2026-12-02T10:00:00.000Z';
const create = {
  type: 'CreatePipeline' as const,
  pipelineId: 'p1',
  locationId: 'loc1',
  name: ' Sales ',
  stages: [
    { id: 's1', name: 'New' },
    { id: 's2', name: 'Won' },
  ],
  now,
};
const created: PipelineEvent = {
  type: 'PipelineCreated',
  data: {
    pipelineId: 'p1',
    locationId: 'loc1',
    name: 'Sales',
    stages: [
      { id: 's1', name: 'New', position: 0 },
      { id: 's2', name: 'Won', position: 1 },
    ],
    createdAt: now,
  },
};

describe('pipelines', () => {
  it('creates a pipeline with its stages in the order given', () => given([]).when(create).then([created]));

  it('refuses a pipeline without stages or with a blank stage name', () => {
    given([])
      .when({ ...create, stages: [] })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...create, stages: [{ id: 's1', name: ' ' }] })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('creates the default pipeline once: asking again decides nothing', () => {
    given([created])
      .when({ ...create, idempotent: true })
      .thenNothing();
    given([created]).when(create).thenThrows({ code: 'CONFLICT', reason: 'PIPELINE_EXISTS' });
  });

  it("derives the default pipeline's id from the location", () => {
    expect(defaultPipelineId('loc1')).toBe(defaultPipelineId('loc1'));
    expect(defaultPipelineId('loc1')).not.toBe(defaultPipelineId('loc2'));
    expect(defaultPipelineId('loc1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
