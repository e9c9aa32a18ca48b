import type { EntityManager } from 'typeorm';
import { ProjectionRegistry, defineProjection } from './projections.js';
import type { StoredEvent } from './types.js';

const stored = (type: string, n: number) => ({ type, data: { n } }) as unknown as StoredEvent;

describe('ProjectionRegistry', () => {
  it('applies each event, in order, to the projections that handle its type', async () => {
    const seen: string[] = [];
    const registry = new ProjectionRegistry([
      defineProjection({
        name: 'a',
        handles: ['X', 'Y'],
        apply: async (e) => void seen.push(`a:${e.type}${(e.data as { n: number }).n}`),
      }),
      defineProjection({
        name: 'b',
        handles: ['Y'],
        apply: async (e) => void seen.push(`b:${e.type}${(e.data as { n: number }).n}`),
      }),
    ]);
    expect(registry.handlesAny([stored('Z', 0)])).toBe(false);
    expect(registry.handlesAny([stored('Z', 0), stored('Y', 0)])).toBe(true);
    await registry.apply([stored('X', 1), stored('Y', 2), stored('Z', 3)], {} as EntityManager);
    expect(seen).toEqual(['a:X1', 'a:Y2', 'b:Y2']);
  });
});
