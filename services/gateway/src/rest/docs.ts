import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const swaggerDir = () => dirname(require.resolve('swagger-ui-dist/package.json'));

/**
 * `<base>openapi.json` and a docs page at `<base>docs` (Swagger UI from the swagger-ui-dist
 * package, served locally: no CDN).
 */
export function mountApiDocs(app: FastifyInstance, base: string, document: unknown, title: string): void {
  const dir = swaggerDir();
  const assets: Record<string, { type: string; body: Buffer }> = {
    'swagger-ui.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(dir, 'swagger-ui.css')) },
    'swagger-ui-bundle.js': {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(join(dir, 'swagger-ui-bundle.js')),
    },
  };
  const json = JSON.stringify(document);
  app.get(`${base}openapi.json`, async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(json),
  );
  app.get(`${base}docs`, async (_request, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').send(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="stylesheet" href="${base}docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="docs"></div>
    <script src="${base}docs/assets/swagger-ui-bundle.js"></script>
    <script>
      window.ui = SwaggerUIBundle({ url: ${JSON.stringify(`${base}openapi.json`)}, dom_id: '#docs', deepLinking: true });
    </script>
  </body>
</html>`),
  );
  app.get(`${base}docs/assets/:file`, async (request, reply) => {
    const asset = assets[(request.params as { file: string }).file];
    if (!asset) return reply.callNotFound();
    return reply
      .header('content-type', asset.type)
      .header('cache-control', 'public, max-age=86400')
      .send(asset.body);
  });
}
