import type { EntityManager } from 'typeorm';
import type { EventShape, StoredEvent } from './types.js';

/**
 * A read-model update that runs inside the append's transaction, with that transaction's
 * EntityManager: queries read their own writes at once, and a projection that throws rolls the
 * append back (the command fails; nothing half-written remains).
 */
export interface InlineProjection<E extends EventShape = EventShape> {
  readonly name: string;
  /** The event types it applies; other events never reach it. */
  readonly handles: readonly E['type'][];
  apply(event: StoredEvent<E>, context: { manager: EntityManager }): Promise<void>;
}

/** Identity function that infers the event union, so `apply` gets typed events. */
export function defineProjection<E extends EventShape>(projection: InlineProjection<E>): InlineProjection<E> {
  return projection;
}

/** Projections by event type, in registration order. */
export class ProjectionRegistry {
  private readonly byType = new Map<string, InlineProjection[]>();

  constructor(projections: readonly InlineProjection[] = []) {
    for (const projection of projections) {
      for (const type of projection.handles) {
        const list = this.byType.get(type) ?? [];
        list.push(projection);
        this.byType.set(type, list);
      }
    }
  }

  /** The names of the projections that handle any of the events. */
  namesFor(events: readonly EventShape[]): string[] {
    return [...new Set(events.flatMap((e) => (this.byType.get(e.type) ?? []).map((p) => p.name)))];
  }

  handlesAny(events: readonly EventShape[]): boolean {
    return events.some((e) => this.byType.has(e.type));
  }

  /** Applies every event, in order, to each projection that handles its type. */
  async apply(events: readonly StoredEvent[], manager: EntityManager): Promise<void> {
    for (const event of events) {
      for (const projection of this.byType.get(event.type) ?? []) {
        await projection.apply(event, { manager });
      }
    }
  }
}
