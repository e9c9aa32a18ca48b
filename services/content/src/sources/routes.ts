import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientOf, httpStatusOf, isDomainError, type RequestOrigin } from '@seren/service-kit';
import type { Content } from '../application.js';
import { fileMissing, fileTooLarge, malformedForm, MAX_SOURCE_BYTES } from './file-type.js';
import type { SourceView } from './queries.js';
import { uploadSource } from './service.js';

/** The upload as the spec documents its 201 body. */
export function uploadedSourceBody(source: SourceView) {
  return {
    id: source.id,
    project_id: source.projectId,
    user_id: source.userId,
    filename: source.filename,
    file_type: source.fileType,
    file_size: source.fileSize,
    s3_key: source.storageKey,
    status: source.status,
    job_id: source.jobId,
    created_at: source.createdAt,
  };
}

const originOf = (request: FastifyRequest): RequestOrigin => ({
  caller: request.caller,
  requestId: request.id,
  traceparent: request.traceparent,
  ...clientOf(request),
});

/**
 * The internal upload route the gateway forwards `POST /api/v1/sources/projects/{project_id}/sources`
 * to (GraphQL cannot carry multipart). The file part streams from the socket into object storage;
 * busboy stops it at 20 MB (`truncated`), answered as 400 FILE_TOO_LARGE.
 */
export function sourceRoutes(content: Content) {
  return async (server: FastifyInstance) => {
    await server.register(async (scope) => {
      await scope.register(multipart, {
        limits: {
          fileSize: MAX_SOURCE_BYTES,
          files: 1,
          fields: 10,
          fieldSize: 10_000,
          parts: 20,
          headerPairs: 200,
        },
      });
      scope.post<{ Params: { projectId: string } }>(
        '/internal/sources/projects/:projectId/sources',
        async (request, reply) => {
          try {
            if (!request.isMultipart()) throw fileMissing();
            let part: Awaited<ReturnType<typeof request.file>>;
            try {
              part = await request.file();
            } catch (error) {
              // busboy refusing the form itself (no boundary, a broken header): the client's fault
              if (isDomainError(error)) throw error;
              throw malformedForm((error as Error).message);
            }
            if (!part || part.fieldname !== 'file') throw fileMissing();
            const source = await uploadSource(content, originOf(request), request.params.projectId, {
              filename: part.filename,
              stream: part.file,
            });
            return reply.status(201).send(uploadedSourceBody(source));
          } catch (error) {
            return sendError(reply, error);
          }
        },
      );
    });
  };
}

/** `{code, message, reason}`: the gateway shows `reason` as the product's code (FILE_TOO_LARGE, ...). */
function sendError(reply: FastifyReply, error: unknown) {
  const known = isDomainError(error)
    ? error
    : (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE'
      ? fileTooLarge()
      : (error as { code?: string }).code?.startsWith('FST_')
        ? fileMissing()
        : undefined;
  if (!known) throw error;
  return reply
    .status(httpStatusOf[known.code])
    .send({ code: known.code, message: known.message, ...(known.reason ? { reason: known.reason } : {}) });
}
