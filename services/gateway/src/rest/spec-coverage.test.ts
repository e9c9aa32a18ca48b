import { mountsOf } from './engine';
import { openApiDocument } from './openapi';
import { serebroRoutes } from './serebro';
import { sereloRoutes } from './serelo';
import { serenaiRoutes } from './serenai';
import { specOperations } from './spec-coverage';
import type { Product, ProductRoutes } from './types';

// Every operation of each product's spec against its OpenAPI document. Coverage grows as sections
// land: a row must be a spec operation (right method, path and section file), and a section listed
// in `implementedSections` must have all of its operations. The report prints what is still missing.
const tables = { serenai: serenaiRoutes, serebro: serebroRoutes, serelo: sereloRoutes } as Record<
  Product,
  ProductRoutes<Product>
>;

describe.each(Object.keys(tables) as Product[])('%s REST surface against its spec', (product) => {
  const table = tables[product];
  const spec = specOperations(product);
  const document = openApiDocument(table) as { paths: Record<string, Record<string, unknown>> };
  // Serebro's spec lists each operation once for both versions; v2 serves them all.
  const documented = (method: string, path: string) =>
    !!document.paths[(product === 'serebro' ? '/v2' : '') + path]?.[method.toLowerCase()];

  it('parses the spec', () => {
    expect(spec.length).toBeGreaterThan(product === 'serenai' ? 130 : 14);
  });

  it('declares only spec operations, each in the section file of the spec', () => {
    const bySpec = new Map(spec.map((op) => [`${op.method} ${op.path}`, op.section]));
    const problems = table.routes
      // a row beyond the spec says why it is served (e.g. HighLevel's endpoints on Serebro)
      .filter((route) => route.section !== 'test' && !route.beyondSpec)
      .flatMap((route) => {
        const section = bySpec.get(`${route.method} ${route.path}`);
        if (!section) return [`${route.method} ${route.path} is not an operation of the spec`];
        return section === route.section
          ? []
          : [`${route.method} ${route.path} belongs to section "${section}", not "${route.section}"`];
      });
    expect(problems).toEqual([]);
  });

  it('names a reason for each row beyond the spec, and no spec operation is marked beyond it', () => {
    const inSpec = new Set(spec.map((op) => `${op.method} ${op.path}`));
    for (const route of table.routes.filter((r) => r.beyondSpec !== undefined)) {
      expect(route.beyondSpec!.length).toBeGreaterThan(10);
      expect(inSpec.has(`${route.method} ${route.path}`)).toBe(false);
    }
  });

  it('documents every row in the OpenAPI document', () => {
    for (const route of table.routes) {
      for (const mount of mountsOf(product, route))
        expect(document.paths[mount.prefix + route.path]?.[route.method.toLowerCase()]).toBeDefined();
    }
  });

  it('has every operation of the sections declared implemented', () => {
    const sections = new Set(spec.map((op) => op.section));
    for (const declared of table.implementedSections) expect(sections).toContain(declared);
    const missing = spec
      .filter((op) => table.implementedSections.includes(op.section) && !documented(op.method, op.path))
      .map((op) => `${op.section}: ${op.method} ${op.path}`);
    expect(missing).toEqual([]);
  });

  it('reports coverage', () => {
    const bySection = new Map<string, { done: number; total: number }>();
    for (const op of spec) {
      const entry = bySection.get(op.section) ?? { done: 0, total: 0 };
      entry.total++;
      if (documented(op.method, op.path)) entry.done++;
      bySection.set(op.section, entry);
    }
    const done = spec.filter((op) => documented(op.method, op.path)).length;
    const lines = [...bySection].map(
      ([section, { done: d, total }]) =>
        `  ${section.padEnd(22)} ${d}/${total}${table.implementedSections.includes(section) ? ' (implemented)' : ''}`,
    );
    console.log(`${product}: ${done}/${spec.length} spec operations served\n${lines.join('\n')}`);
    expect(done).toBeLessThanOrEqual(spec.length);
  });
});
