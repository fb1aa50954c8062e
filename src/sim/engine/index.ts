/**
 * The discrete-event engine: an event queue ordered by (time, sequence) and a virtual clock. It knows
 * nothing about clusters, pods or schedulers; the simulation in ../run gives meaning to event kinds.
 */
export { EventQueue } from './event-queue.js';
export { VirtualClock } from './clock.js';
