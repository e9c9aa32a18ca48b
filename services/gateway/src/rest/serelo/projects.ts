import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import { ProjectFields, projectSchema, projectToRest } from './shapes/project.js';

// Serelo "Projects". Names (1-200) and descriptions (≤ 1000) and the page bounds are content's
// rules (VALIDATION_ERROR from the service); another user's project is 404 there too.

const projectParams = z.object({ project_id: z.string().min(1) });
const pageQuery = z.object({
  limit: z.coerce.number().int().optional().describe('1-100, default 100'),
  offset: z.coerce.number().int().optional().describe('≥ 0, default 0'),
});

export const projectsRoutes = [
  route.operation({
    method: 'POST',
    path: '/api/v1/projects',
    section: 'projects',
    summary: 'Create project',
    description: 'Name: required, 1-200 characters. Description: optional, at most 1000 characters.',
    auth: 'required',
    rateLimit: 'general',
    request: { body: z.object({ name: z.string(), description: z.string().nullish() }) },
    operation: graphql(
      `
        mutation SereloCreateProject($name: String!, $description: String) {
          createProject(name: $name, description: $description) {
            ...SereloProject
          }
        }
      `,
      [ProjectFields],
    ),
    variables: ({ body }) => ({ name: body.name, description: body.description ?? null }),
    response: {
      status: 201,
      description: 'Project created',
      schema: projectSchema,
      body: (data) => projectToRest(data.createProject),
    },
    errors: [400],
  }),
  route.operation({
    method: 'GET',
    path: '/api/v1/projects',
    section: 'projects',
    summary: 'List projects',
    description: "The caller's projects, newest first.",
    auth: 'required',
    rateLimit: 'general',
    request: { query: pageQuery },
    operation: graphql(
      `
        query SereloListProjects($limit: Int, $offset: Int) {
          projects(limit: $limit, offset: $offset) {
            items {
              ...SereloProject
            }
            total
          }
        }
      `,
      [ProjectFields],
    ),
    variables: ({ query }) => ({ limit: query.limit ?? null, offset: query.offset ?? null }),
    response: {
      status: 200,
      description: 'Projects, newest first',
      schema: z.object({ projects: z.array(projectSchema), total: z.number().int() }),
      body: (data) => ({ projects: data.projects.items.map(projectToRest), total: data.projects.total }),
    },
    errors: [400],
  }),
  route.operation({
    method: 'GET',
    path: '/api/v1/projects/{project_id}',
    section: 'projects',
    summary: 'Get project',
    description: "Another user's project is 404 (not 403).",
    auth: 'required',
    rateLimit: 'general',
    request: { params: projectParams },
    operation: graphql(
      `
        query SereloGetProject($id: ID!) {
          project(id: $id) {
            ...SereloProject
          }
        }
      `,
      [ProjectFields],
    ),
    variables: ({ params }) => ({ id: params.project_id }),
    response: {
      status: 200,
      description: 'The project',
      schema: projectSchema,
      body: (data) => projectToRest(data.project),
    },
    errors: [404],
  }),
  route.operation({
    method: 'PUT',
    path: '/api/v1/projects/{project_id}',
    section: 'projects',
    summary: 'Update project',
    description: 'Name and/or description; a field left out is unchanged, a null description clears it.',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: projectParams,
      body: z.object({ name: z.string().nullish(), description: z.string().nullish() }),
    },
    operation: graphql(
      `
        mutation SereloUpdateProject($id: ID!, $name: String, $description: String) {
          updateProject(id: $id, name: $name, description: $description) {
            ...SereloProject
          }
        }
      `,
      [ProjectFields],
    ),
    // GraphQL tells an absent variable from a null one: absent leaves the description as it is.
    variables: ({ params, body }) => ({
      id: params.project_id,
      name: body.name ?? null,
      ...(body.description === undefined ? {} : { description: body.description }),
    }),
    response: {
      status: 200,
      description: 'The updated project',
      schema: projectSchema,
      body: (data) => projectToRest(data.updateProject),
    },
    errors: [400, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/api/v1/projects/{project_id}',
    section: 'projects',
    summary: 'Delete project',
    description:
      'Deletes the project with its sources, posts, link opportunities and jobs; running jobs are cancelled.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: projectParams },
    operation: graphql(`
      mutation SereloDeleteProject($id: ID!) {
        deleteProject(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.project_id }),
    response: { status: 204, description: 'Project deleted' },
    errors: [404],
  }),
];
