/**
 * Results report: one self-contained HTML page with SVG plots and data tables, from the simulator's
 * (or the live replay's) results. Pure; reading and writing files is the caller's job.
 */
export { renderReport, DEFAULT_MAX_POINTS } from './render.js';
export type { ReportOptions } from './render.js';
