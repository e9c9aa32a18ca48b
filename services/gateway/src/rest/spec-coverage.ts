import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Product } from './types.js';

/** One operation the product's spec documents. */
export interface SpecOperation {
  method: string;
  path: string;
  section: string;
}

/** ../shared/specs beside the repository (SPECS_DIR overrides). */
export const specsDir = () =>
  process.env.SPECS_DIR ?? resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'specs');

const specFiles: Record<Product, string> = {
  serenai: 'serenai-commerce-api.txt',
  serebro: 'serebro-crm-api.txt',
  serelo: 'serelo-content-api.txt',
};

export const readSpec = (product: Product) => readFileSync(resolve(specsDir(), specFiles[product]), 'utf8');

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

// SerenAI's 23 categories, as its spec names them, and the section file each maps to. A few
// categories are split where their operations belong to different owners or files.
const serenaiCategories: Record<string, (path: string) => string> = {
  agent: () => 'auth',
  Databases: () => 'databases',
  Auth: () => 'auth',
  OAuth: () => 'oauth',
  'oauth-providers': () => 'oauth-providers',
  Organizations: (path) =>
    path.includes('/publishers') ? 'publisher-management' : path.includes('vpc') ? 'vpc' : 'organizations',
  VPC: () => 'vpc',
  billing: () => 'billing',
  payments: () => 'payments',
  Plans: () => 'plans',
  'Audit Logs': () => 'audit-logs',
  RBAC: (path) => (path.includes('/permissions') ? 'permissions' : 'roles'),
  Webhooks: () => 'webhooks',
  Sessions: () => 'sessions',
  'agent-wallet': (path) => (/^\/wallet\/recover(y)?$/.test(path) ? 'wallet-recovery' : 'wallet'),
  'publisher-payments': () => 'publisher-payments',
  publishers: () => 'publishers',
  Eval: () => 'eval',
  federation: () => 'federation',
  'Agent Tasks': () => 'agent-tasks',
  'Agent Analytics': () => 'analytics',
  templates: () => 'templates',
  webhooks: () => 'stripe-webhooks',
};

function serenaiOperations(text: string): SpecOperation[] {
  const operations: SpecOperation[] = [];
  let category: string | undefined;
  for (const line of text.split('\n').map((l) => l.trimEnd())) {
    if (line in serenaiCategories) category = line;
    // An operation's own header line is exactly `METHOD /path`; descriptions repeat it with text after.
    const match = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/.exec(line);
    if (match && category)
      operations.push({
        method: match[1]!,
        path: match[2]!,
        section: serenaiCategories[category]!(match[2]!),
      });
  }
  return operations;
}

const sereloSections: Record<string, string> = {
  Authentication: 'auth',
  Projects: 'projects',
  Sources: 'sources',
  Posts: 'posts',
  Jobs: 'jobs',
  'Internal Links': 'links',
  Billing: 'billing',
  Users: 'users',
  'Social Accounts': 'social',
};

function sereloOperations(text: string): SpecOperation[] {
  const operations: SpecOperation[] = [];
  let section: string | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line in sereloSections) section = sereloSections[line];
    if (line === 'Error Handling') section = undefined;
    const match = /^Endpoint: (GET|POST|PUT|PATCH|DELETE) (\/\S*)$/.exec(line);
    if (match && section) {
      // "Get Current User" sits under Authentication in the spec but is a Users operation.
      const path = match[2]!;
      operations.push({
        method: match[1]!,
        path,
        section: path.startsWith('/api/v1/users/') ? 'users' : section,
      });
    }
  }
  // Bulk generation is documented only by its example (curl -X POST .../api/v1/posts/bulk-generate).
  if (/curl -X POST \S+\/api\/v1\/posts\/bulk-generate/.test(text)) {
    operations.push({ method: 'POST', path: '/api/v1/posts/bulk-generate', section: 'posts' });
  }
  return operations;
}

function serebroOperations(text: string): SpecOperation[] {
  const operations: SpecOperation[] = [];
  let section: string | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const heading = /^3\.\d+ (\w+)/.exec(line);
    if (heading) section = slug(heading[1]!);
    if (/^4\. /.test(line)) section = undefined;
    const match = /^•\s+([A-Z/]+) (\/\S+)/.exec(line);
    if (match && section) {
      for (const method of match[1]!.split('/')) operations.push({ method, path: match[2]!, section });
    }
  }
  return operations;
}

/** Every operation of a product's spec, with the section file it belongs to; deduplicated. */
export function specOperations(product: Product, text = readSpec(product)): SpecOperation[] {
  const parsed =
    product === 'serenai'
      ? serenaiOperations(text)
      : product === 'serelo'
        ? sereloOperations(text)
        : serebroOperations(text);
  const seen = new Set<string>();
  return parsed.filter((op) => {
    const key = `${op.method} ${op.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
