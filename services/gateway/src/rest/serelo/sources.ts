import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import {
  SourceFields,
  sourceFileType,
  sourceSchema,
  sourceStatus,
  sourceToRest,
  uploadedSourceSchema,
} from './shapes/source.js';

// Serelo "Sources". The upload is multipart, which GraphQL cannot carry: a forward to content's
// internal route, streamed (the edge never holds the file). Size (20 MB), type (from the bytes),
// filename and page rules are content's; another user's project or source is 404 there.

/** The spec's 20 MB file plus room for the multipart framing around it. */
export const UPLOAD_BODY_LIMIT = 20 * 1024 * 1024 + 64 * 1024;

const sourceParams = z.object({ source_id: z.string().min(1) });
const projectParams = z.object({ project_id: z.string().min(1) });

export const sourcesRoutes = [
  route.forward({
    method: 'POST',
    path: '/api/v1/sources/projects/{project_id}/sources',
    section: 'sources',
    summary: 'Upload source',
    description:
      'multipart/form-data with the file in the part `file`: PDF (text-based), DOCX, Markdown, plain text or CSV, at most 20 MB. ' +
      'The type is learned from the content (a name that disagrees is refused). Parsing follows asynchronously: poll the source ' +
      '(status uploaded → parsing → parsed | failed) or its job (`job_id`, job_type document_parsing).',
    auth: 'required',
    rateLimit: 'general',
    forward: { service: 'content', path: '/internal/sources/projects/{project_id}/sources' },
    request: {
      params: projectParams,
      contentType: 'multipart/form-data',
      body: z.object({ file: z.string().meta({ format: 'binary' }) }),
    },
    response: { status: 201, description: 'Source uploaded; parsing queued', schema: uploadedSourceSchema },
    bodyLimit: UPLOAD_BODY_LIMIT,
    streamBody: true,
    errors: [400, 404, 413],
  }),
  route.operation({
    method: 'GET',
    path: '/api/v1/sources/projects/{project_id}/sources',
    section: 'sources',
    summary: 'List project sources',
    description: "The project's sources, newest first. Another user's project is 404.",
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: projectParams,
      query: z.object({
        status: sourceStatus.optional(),
        file_type: sourceFileType.optional(),
        limit: z.coerce.number().int().optional().describe('1-100, default 100'),
        offset: z.coerce.number().int().optional().describe('≥ 0, default 0'),
      }),
    },
    operation: graphql(
      `
        query SereloListSources(
          $projectId: ID!
          $status: String
          $fileType: String
          $limit: Int
          $offset: Int
        ) {
          sources(
            projectId: $projectId
            status: $status
            fileType: $fileType
            limit: $limit
            offset: $offset
          ) {
            items {
              ...SereloSource
            }
            total
          }
        }
      `,
      [SourceFields],
    ),
    variables: ({ params, query }) => ({
      projectId: params.project_id,
      status: query.status ?? null,
      fileType: query.file_type ?? null,
      limit: query.limit ?? null,
      offset: query.offset ?? null,
    }),
    response: {
      status: 200,
      description: 'Sources, newest first',
      schema: z.object({ sources: z.array(sourceSchema), total: z.number().int() }),
      body: (data) => ({ sources: data.sources.items.map(sourceToRest), total: data.sources.total }),
    },
    errors: [400, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/api/v1/sources/sources/{source_id}',
    section: 'sources',
    summary: 'Get source',
    description: 'Poll it after an upload until status is parsed (or failed, with error_message).',
    auth: 'required',
    rateLimit: 'general',
    request: { params: sourceParams },
    operation: graphql(
      `
        query SereloGetSource($id: ID!) {
          source(id: $id) {
            ...SereloSource
          }
        }
      `,
      [SourceFields],
    ),
    variables: ({ params }) => ({ id: params.source_id }),
    response: {
      status: 200,
      description: 'The source',
      schema: sourceSchema,
      body: (data) => sourceToRest(data.source),
    },
    errors: [404],
  }),
  route.operation({
    method: 'PUT',
    path: '/api/v1/sources/sources/{source_id}',
    section: 'sources',
    summary: 'Update source',
    description:
      'filename (1-255 characters, no path) and metadata (string values; at most 50 entries), each optional; metadata replaces the set.',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: sourceParams,
      body: z.object({
        filename: z.string().optional(),
        metadata: z.record(z.string(), z.string()).optional(),
      }),
    },
    operation: graphql(
      `
        mutation SereloUpdateSource($id: ID!, $filename: String, $metadata: [SourceMetadataEntryInput!]) {
          updateSource(id: $id, filename: $filename, metadata: $metadata) {
            ...SereloSource
          }
        }
      `,
      [SourceFields],
    ),
    variables: ({ params, body }) => ({
      id: params.source_id,
      filename: body.filename ?? null,
      metadata: body.metadata ? Object.entries(body.metadata).map(([key, value]) => ({ key, value })) : null,
    }),
    response: {
      status: 200,
      description: 'The updated source',
      schema: sourceSchema,
      body: (data) => sourceToRest(data.updateSource),
    },
    errors: [400, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/api/v1/sources/sources/{source_id}',
    section: 'sources',
    summary: 'Delete source',
    description: 'Deletes the source record and its stored file (and extracted text); cannot be undone.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: sourceParams },
    operation: graphql(`
      mutation SereloDeleteSource($id: ID!) {
        deleteSource(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.source_id }),
    response: { status: 204, description: 'Source deleted' },
    errors: [404],
  }),
];
