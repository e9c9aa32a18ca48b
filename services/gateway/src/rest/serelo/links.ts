import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import {
  LinkOpportunityFields,
  linkOpportunitySchema,
  linkOpportunityToRest,
} from './shapes/link-opportunity.js';

// Serelo "Internal Links". URL and keyword rules are content's (400 VALIDATION_ERROR).

const projectParams = z.object({ project_id: z.string().min(1) });

export const linksRoutes = [
  route.operation({
    method: 'POST',
    path: '/api/v1/links/projects/{project_id}/opportunities',
    section: 'links',
    summary: 'Create link opportunity',
    description:
      'target_url: a full http(s) URL (at most 2048 characters). keywords: 1-50, each at most 100 characters, not case-sensitive. anchor_text: optional, at most 200 characters.',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: projectParams,
      body: z.object({
        target_url: z.string(),
        keywords: z.array(z.string()),
        anchor_text: z.string().nullish(),
      }),
    },
    operation: graphql(
      `
        mutation SereloCreateLinkOpportunity(
          $project: ID!
          $url: String!
          $keywords: [String!]!
          $anchor: String
        ) {
          createLinkOpportunity(
            projectId: $project
            targetUrl: $url
            keywords: $keywords
            anchorText: $anchor
          ) {
            ...SereloLinkOpportunity
          }
        }
      `,
      [LinkOpportunityFields],
    ),
    variables: ({ params, body }) => ({
      project: params.project_id,
      url: body.target_url,
      keywords: body.keywords,
      anchor: body.anchor_text ?? null,
    }),
    response: {
      status: 201,
      description: 'Link opportunity created',
      schema: linkOpportunitySchema,
      body: (data) => linkOpportunityToRest(data.createLinkOpportunity),
    },
    errors: [400, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/api/v1/links/projects/{project_id}/opportunities',
    section: 'links',
    summary: 'List link opportunities',
    description: "The project's link opportunities, oldest first.",
    auth: 'required',
    rateLimit: 'general',
    request: { params: projectParams },
    operation: graphql(
      `
        query SereloListLinkOpportunities($project: ID!) {
          linkOpportunities(projectId: $project) {
            items {
              ...SereloLinkOpportunity
            }
            total
          }
        }
      `,
      [LinkOpportunityFields],
    ),
    variables: ({ params }) => ({ project: params.project_id }),
    response: {
      status: 200,
      description: 'Link opportunities',
      schema: z.object({ opportunities: z.array(linkOpportunitySchema), total: z.number().int() }),
      body: (data) => ({
        opportunities: data.linkOpportunities.items.map(linkOpportunityToRest),
        total: data.linkOpportunities.total,
      }),
    },
    errors: [404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/api/v1/links/opportunities/{opportunity_id}',
    section: 'links',
    summary: 'Delete link opportunity',
    description: 'Posts already generated keep their links.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ opportunity_id: z.string().min(1) }) },
    operation: graphql(`
      mutation SereloDeleteLinkOpportunity($id: ID!) {
        deleteLinkOpportunity(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.opportunity_id }),
    response: { status: 204, description: 'Link opportunity deleted' },
    errors: [404],
  }),
];
