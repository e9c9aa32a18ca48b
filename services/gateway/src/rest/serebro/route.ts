import { z } from 'zod';
import { routeBuilder } from '../types.js';

/** Serebro's row builders: `route.operation({...})`, `route.forward({...})`. */
export const route = routeBuilder<'serebro'>();

/** HighLevel's answer to a delete or a removal, `{succeded: true}`: its spelling, kept for its clients. */
export const succeded = z.object({
  succeded: z.literal(true).describe("HighLevel's spelling, kept for its clients"),
});
