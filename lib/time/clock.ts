// The time the nodes run on: the wall clock, or — for the demo — a simulated clock that starts at
// the process's start and runs ELFE_CLOCK_SPEED times faster (e.g. 96: a day in 15 minutes).
// Every "now" of the nodes and every node timer goes through here, so a plan, its slots, the
// dispatch's confirmations and the readings' timestamps stay consistent at any speed. Network
// time-outs and the timestamps sent to outside systems stay on the wall clock.

/** Parses a speed factor: a finite number ≥ 1 (anything else is real time). */
export function parseSpeed(raw: string | undefined): number {
  const n = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(n) && n >= 1 ? n : 1;
}

const speed = parseSpeed(process.env.ELFE_CLOCK_SPEED);
const origin = Date.now();

/** How many times faster than the wall clock the nodes' time runs (1: real time). */
export function clockSpeed(): number {
  return speed;
}

/** Now, in epoch ms, on the nodes' clock. */
export function now(): number {
  return speed === 1 ? Date.now() : origin + (Date.now() - origin) * speed;
}

/** The wall-clock delay for a delay of `ms` on the nodes' clock. */
export function realDelay(ms: number): number {
  return speed === 1 ? ms : Math.max(1, ms / speed);
}
