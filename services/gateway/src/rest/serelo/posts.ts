import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import {
  acceptedSchema,
  PostFields,
  PostItemFields,
  postItemSchema,
  postItemToRest,
  postSchema,
  postToRest,
} from './shapes/post.js';

// Serelo "Posts". The brief's rules (topic 1-200, voices by plan, instructions ≤ 2000), the
// quota (403 QUOTA_EXCEEDED), the plan's concurrent generations (429 RATE_LIMIT_EXCEEDED with
// retry_after) and the sources' readiness (400 INVALID_SOURCE) are content's.

export const postsRoutes = [
  route.operation({
    method: 'POST',
    path: '/api/v1/posts/generate',
    section: 'posts',
    summary: 'Generate post',
    description:
      'Starts a content_generation job and answers at once; poll GET /api/v1/jobs/{job_id}. Each generation consumes one post of the monthly quota.',
    auth: 'required',
    rateLimit: 'general',
    request: {
      body: z.object({
        project_id: z.string(),
        topic: z.string(),
        voice: z.string(),
        target_length: z.string().nullish().describe('short, medium (default) or long'),
        custom_instructions: z.string().nullish(),
        source_ids: z.array(z.string()).nullish(),
        channel: z.string().nullish(),
      }),
    },
    operation: graphql(`
      mutation SereloGeneratePost($input: GeneratePostInput!) {
        generatePost(input: $input) {
          jobId
          status
          message
        }
      }
    `),
    variables: ({ body }) => ({
      input: {
        projectId: body.project_id,
        topic: body.topic,
        voice: body.voice,
        targetLength: body.target_length ?? null,
        customInstructions: body.custom_instructions ?? null,
        sourceIds: body.source_ids ?? null,
        channel: body.channel ?? null,
      },
    }),
    response: {
      status: 202,
      description: 'Generation accepted',
      schema: acceptedSchema,
      body: (data) => ({
        job_id: data.generatePost.jobId,
        status: 'queued' as const,
        message: data.generatePost.message,
      }),
    },
    errors: [400, 403, 404, 409, 429],
  }),
  route.operation({
    method: 'POST',
    path: '/api/v1/posts/bulk-generate',
    section: 'posts',
    summary: 'Bulk generate posts from a CSV source',
    description:
      'A parsed CSV source with topic,voice,custom_instructions columns: one bulk_generation job; rows that break the brief rules are recorded in its result. Each row accepted consumes one post of the monthly quota.',
    auth: 'required',
    rateLimit: 'general',
    request: { body: z.object({ project_id: z.string(), csv_source_id: z.string() }) },
    operation: graphql(`
      mutation SereloBulkGenerate($project: ID!, $csv: ID!) {
        bulkGeneratePosts(projectId: $project, csvSourceId: $csv) {
          jobId
          status
          message
          totalItems
        }
      }
    `),
    variables: ({ body }) => ({ project: body.project_id, csv: body.csv_source_id }),
    response: {
      status: 202,
      description: 'Bulk generation accepted',
      schema: acceptedSchema.extend({ total_items: z.number().int().describe('rows accepted') }),
      body: (data) => ({
        job_id: data.bulkGeneratePosts.jobId,
        status: 'queued' as const,
        message: data.bulkGeneratePosts.message,
        total_items: data.bulkGeneratePosts.totalItems,
      }),
    },
    errors: [400, 403, 404, 429],
  }),
  route.operation({
    method: 'GET',
    path: '/api/v1/posts/{post_id}',
    section: 'posts',
    summary: 'Get post',
    description: "Another user's post is 404.",
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ post_id: z.string().min(1) }) },
    operation: graphql(
      `
        query SereloGetPost($id: ID!) {
          post(id: $id) {
            ...SereloPost
          }
        }
      `,
      [PostFields],
    ),
    variables: ({ params }) => ({ id: params.post_id }),
    response: {
      status: 200,
      description: 'The post',
      schema: postSchema,
      body: (data) => postToRest(data.post),
    },
    errors: [404],
  }),
  route.operation({
    method: 'GET',
    path: '/api/v1/posts/projects/{project_id}/posts',
    section: 'posts',
    summary: 'List project posts',
    description: 'Newest first. status: completed, failed or generating; limit 1-100 (default 50).',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: z.object({ project_id: z.string().min(1) }),
      query: z.object({
        status: z.string().optional(),
        limit: z.coerce.number().int().optional(),
        offset: z.coerce.number().int().optional(),
      }),
    },
    operation: graphql(
      `
        query SereloListPosts($project: ID!, $status: String, $limit: Int, $offset: Int) {
          posts(projectId: $project, status: $status, limit: $limit, offset: $offset) {
            items {
              ...SereloPostItem
            }
            total
          }
        }
      `,
      [PostItemFields],
    ),
    variables: ({ params, query }) => ({
      project: params.project_id,
      status: query.status ?? null,
      limit: query.limit ?? null,
      offset: query.offset ?? null,
    }),
    response: {
      status: 200,
      description: 'Posts, newest first',
      schema: z.object({ posts: z.array(postItemSchema), total: z.number().int() }),
      body: (data) => ({ posts: data.posts.items.map(postItemToRest), total: data.posts.total }),
    },
    errors: [400, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/api/v1/posts/{post_id}',
    section: 'posts',
    summary: 'Delete post',
    description: 'Deleting a post does not refund quota.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ post_id: z.string().min(1) }) },
    operation: graphql(`
      mutation SereloDeletePost($id: ID!) {
        deletePost(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.post_id }),
    response: { status: 204, description: 'Post deleted' },
    errors: [404],
  }),
];
