// The child process of startServiceChild (./service-child.ts): run as `node --require
// packages/event-store/src/test-support/register.js service-child-main.ts` with
// SERVICE_CHILD = {module, start, env} as JSON; calls `require(module)[start](env)` and prints
// `READY <url>` once the service listens.

const child = JSON.parse(process.env.SERVICE_CHILD ?? '{}') as {
  module: string;
  start: string;
  env: Record<string, string>;
};
// (a CommonJS module: `module`, `require` and `exports` are the wrapper's names)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exported = require(child.module) as Record<
  string,
  (env: Record<string, string>) => Promise<{ url: string }>
>;

exported[child.start]!(child.env).then(
  (service) => console.log(`READY ${service.url}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
