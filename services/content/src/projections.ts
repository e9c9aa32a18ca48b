import { echoesProjection } from './echo/projection.js';

/** content's inline projections: the read tables its queries use, updated in each append's transaction. */
export const contentProjections = [echoesProjection];
