import { routeBuilder } from '../types.js';

/** Serelo's row builders: `route.operation({...})`, `route.forward({...})`. */
export const route = routeBuilder<'serelo'>();
