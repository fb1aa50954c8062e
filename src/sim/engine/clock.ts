/**
 * The simulation's virtual clock, in seconds. It only moves forward, and only when the engine hands
 * out the next event: nothing in the simulator reads the wall clock.
 */
export class VirtualClock {
  private t: number;

  constructor(start = 0) {
    this.t = start;
  }

  get now(): number {
    return this.t;
  }

  /** Moves to `time`; moving backwards is a bug in the caller. */
  advanceTo(time: number): void {
    if (time < this.t) throw new RangeError(`clock cannot go back from ${this.t} to ${time}`);
    this.t = time;
  }
}
