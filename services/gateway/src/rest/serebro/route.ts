import { routeBuilder } from '../types.js';

/** Serebro's row builders: `route.operation({...})`, `route.forward({...})`. */
export const route = routeBuilder<'serebro'>();
