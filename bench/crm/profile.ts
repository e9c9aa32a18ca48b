// Summarises V8 CPU profiles (`node --cpu-prof`, e.g. the crm bench run with BENCH_CPU_PROF=<dir>):
// the top functions by self time, and self time per package (node_modules/<package>, node's own
// `node:` modules, the repo's workspaces by folder), so a profile of the gateway or the crm
// subgraph under the bench's load reads in one screen.
//
//   node bench/crm/profile.ts <file.cpuprofile> [top=25] [inclusive=<function>,<function>,...]
//
// `inclusive`: the share of busy samples with each named function anywhere on the stack (its total
// time, callees included), to read a request's phases (e.g. processGraphQLRequest,executeQueryPlan);
// `name@text` counts only a function of that name whose file's URL contains the text (query@typeorm).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, inclusiveArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/crm/profile.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

// self time per node from the samples (each sample's time is the delta that follows it)
const selfMicros = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  const id = profile.samples[i]!;
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

const packageOf = (url: string, functionName: string): string => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.split('/')[0]!;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const repo = /\/(services|packages|bench)\/([^/]+)\//.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url;
};

const functions = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/work\/main\//, '')}:${lineNumber + 1}`
    : '';
  const key = `${functionName || '(anonymous)'} ${where}`;
  functions.set(key, (functions.get(key) ?? 0) + micros);
  const pkg = packageOf(url, functionName);
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
}

const pct = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)}%`;
const idle = (functions.get('(idle) ') ?? 0) + (functions.get('(program) ') ?? 0);
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy (idle and (program) excluded below)`,
);
const busy = (entries: Map<string, number>) =>
  [...entries]
    .filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)'))
    .sort((a, b) => b[1] - a[1]);
console.log('\nself time by package');
for (const [name, micros] of busy(packages).slice(0, top)) console.log(`${pct(micros)}  ${name}`);
console.log('\nself time by function');
for (const [name, micros] of busy(functions).slice(0, top)) console.log(`${pct(micros)}  ${name}`);

if (inclusiveArg) {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const names = inclusiveArg.split(',');
  const inclusive = new Map(names.map((n) => [n, 0]));
  for (const [id, micros] of selfMicros) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = byId.get(at)!.callFrame;
      // `name` or `name@part of its file's URL` (several packages have a `parse` or a `query`)
      for (const name of names) {
        const [fn, file] = name.split('@');
        if (fn !== functionName || (file && !url.includes(file)) || seen.has(name)) continue;
        seen.add(name);
        inclusive.set(name, inclusive.get(name)! + micros);
      }
    }
  }
  console.log('\ninclusive time (of busy time)');
  const busyMicros = total - idle;
  for (const [name, micros] of inclusive)
    console.log(`${((100 * micros) / busyMicros).toFixed(1).padStart(5)}%  ${name}`);
}
