import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from './logger';

// The workflow bundle cache between processes (SEREN_WORKFLOW_BUNDLE_CACHE, set for test runs): a
// second process takes the stored bundle while no file webpack read has changed, and bundles again
// when one has. Each step loads worker.ts afresh, as a new process (or jest test file) would.

const repoRoot = join(__dirname, '..', '..', '..');

describe('workflow bundles kept between processes', () => {
  // under the repo, so webpack resolves @temporalio/workflow from its node_modules
  const scratch = join(repoRoot, '.data');
  let dir: string;
  let cacheDir: string;
  const previous = process.env.SEREN_WORKFLOW_BUNDLE_CACHE;

  beforeAll(() => {
    mkdirSync(scratch, { recursive: true });
    dir = mkdtempSync(join(scratch, 'bundle-test-'));
    cacheDir = join(dir, 'cache');
    process.env.SEREN_WORKFLOW_BUNDLE_CACHE = cacheDir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.SEREN_WORKFLOW_BUNDLE_CACHE;
    else process.env.SEREN_WORKFLOW_BUNDLE_CACHE = previous;
    rmSync(dir, { recursive: true, force: true });
  });

  /** workflowBundleOf from a fresh copy of worker.ts: a new process as far as the cache knows */
  const bundleInNewProcess = async (workflowsPath: string): Promise<string> => {
    let code = '';
    await jest.isolateModulesAsync(async () => {
      const { workflowBundleOf } = await import('./worker.js');
      code = (await workflowBundleOf(workflowsPath, createLogger('bundler', 'silent'))).code;
    });
    return code;
  };

  it('reuses the stored bundle until a file it was made from changes', async () => {
    const workflows = join(dir, 'workflows.js');
    const helper = join(dir, 'helper.js');
    writeFileSync(helper, `exports.word = () => 'first-word';\n`);
    writeFileSync(workflows, `const { word } = require('./helper');\nexports.say = async () => word();\n`);

    const first = await bundleInNewProcess(workflows);
    expect(first).toContain('first-word');
    const [stored] = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
    expect(stored).toBeDefined();
    // mark the stored bundle: a bundle that comes back marked came from the cache, not from webpack
    const file = join(cacheDir, stored!);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as {
      code: string;
      inputs: [string, string | null][];
    };
    expect(entry.inputs.map(([path]) => path)).toEqual(expect.arrayContaining([workflows, helper]));
    writeFileSync(file, JSON.stringify({ ...entry, code: `${entry.code}\n// from-the-cache` }));
    expect(await bundleInNewProcess(workflows)).toContain('// from-the-cache');

    // an imported file changes: bundled again, and the new bundle stored
    writeFileSync(helper, `exports.word = () => 'second-word, longer';\n`);
    const second = await bundleInNewProcess(workflows);
    expect(second).toContain('second-word');
    expect(second).not.toContain('from-the-cache');
    expect(readFileSync(file, 'utf8')).toContain('second-word');
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
