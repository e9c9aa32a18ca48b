import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A static asset served from an npm package: GraphiQL works with no CDN and no internet. */
export interface Asset {
  contentType: string;
  body: Buffer;
}

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** GraphiQL 3's browser bundle with React 18's UMD builds, read once from node_modules. */
export function graphiqlAssets(): Record<string, Asset> {
  const js = (file: string) => ({ contentType: 'text/javascript; charset=utf-8', body: readFileSync(file) });
  return {
    'react.production.min.js': js(join(packageDir('react'), 'umd', 'react.production.min.js')),
    'react-dom.production.min.js': js(join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js')),
    'graphiql.min.js': js(join(packageDir('graphiql'), 'graphiql.min.js')),
    'graphiql.min.css': {
      contentType: 'text/css; charset=utf-8',
      body: readFileSync(join(packageDir('graphiql'), 'graphiql.min.css')),
    },
  };
}

/** The GraphiQL page; its assets live under `<endpoint>/assets/`. */
export function graphiqlPage(endpoint: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Seren GraphQL</title>
    <link rel="stylesheet" href="${endpoint}/assets/graphiql.min.css" />
    <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="${endpoint}/assets/react.production.min.js"></script>
    <script src="${endpoint}/assets/react-dom.production.min.js"></script>
    <script src="${endpoint}/assets/graphiql.min.js"></script>
    <script>
      const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }),
      );
    </script>
  </body>
</html>`;
}
