import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The gateway's modules import each other without circles (type-only imports count too): a circle
// means two modules share something that belongs in a third.
const root = __dirname;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return /\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('the gateway modules', () => {
  it('import each other without circles', () => {
    const files = sourcesUnder(root);
    expect(files.length).toBeGreaterThan(10);
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => files.includes(i))]));
    expect(importsOf(join(root, 'rest', 'engine.ts'))).toContain(join(root, 'rest', 'errors.ts'));
    expect(cyclesOf(graph).map((cycle) => cycle.map((f) => relative(root, f)))).toEqual([]);
  });

  it('reports a circle as the path around it', () => {
    const graph = new Map([
      ['engine', ['errors', 'forward']],
      ['forward', ['engine']],
      ['errors', []],
    ]);
    expect(cyclesOf(graph)).toEqual([['engine', 'forward', 'engine']]);
  });
});
