import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// HighLevel's pipeline (GET /opportunities/pipelines): its stages in order, each with its position.

export const PipelineFields = graphql(`
  fragment PipelineFields on Pipeline {
    id
    name
    locationId
    isDefault
    stages {
      id
      name
      position
    }
  }
`);

export const pipelineSchema = z.object({
  id: z.string(),
  name: z.string(),
  locationId: z.string(),
  stages: z.array(z.object({ id: z.string(), name: z.string(), position: z.number().int() })),
  isDefault: z.boolean().describe("Serebro's: the pipeline the location was created with"),
});

export function pipelineToRest(ref: FragmentOf<typeof PipelineFields>): z.input<typeof pipelineSchema> {
  const p = readFragment(PipelineFields, ref);
  return {
    id: p.id,
    name: p.name,
    locationId: p.locationId,
    stages: p.stages.map((s) => ({ id: s.id, name: s.name, position: s.position })),
    isDefault: p.isDefault,
  };
}
