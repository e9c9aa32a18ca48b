import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import { JobFields, jobSchema, jobToRest } from './shapes/job.js';

// Serelo "Jobs": the read model of content's workflows (generation, parsing, bulk generation).

export const jobsRoutes = [
  route.operation({
    method: 'GET',
    path: '/api/v1/jobs/{job_id}',
    section: 'jobs',
    summary: 'Get job status',
    description: "Poll every 2-5 seconds until status is completed or failed. Another user's job is 404.",
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ job_id: z.string().min(1) }) },
    operation: graphql(
      `
        query SereloGetJob($id: ID!) {
          job(id: $id) {
            ...SereloJob
          }
        }
      `,
      [JobFields],
    ),
    variables: ({ params }) => ({ id: params.job_id }),
    response: {
      status: 200,
      description: 'The job',
      schema: jobSchema,
      body: (data) => jobToRest(data.job),
    },
    errors: [404],
  }),
];
