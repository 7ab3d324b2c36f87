// One decision of the PV-surplus controller: inputs (mode, available surplus) + state → the load's
// on/off and set-point + new state, with its reason. Priority: import limit > mode > PV timers.
import { floorStep, type SurplusConfig, type SurplusMode } from "./config";

export interface SurplusState {
  on: boolean;
  /** Current set-point (W); 0 when off. */
  setW: number;
  switchedAt?: number;
  /** Since when the surplus has stayed at or above startW (start timer). */
  aboveSince?: number;
  /** Since when the surplus has stayed below stopW (stop timer). */
  belowSince?: number;
  /** Last set-point change (epoch ms). */
  adjustedAt?: number;
}

export const SURPLUS_IDLE: SurplusState = { on: false, setW: 0 };

export interface SurplusInputs {
  now: number;
  mode: SurplusMode;
  /** Surplus available to the load (W); undefined when unknown or stale. */
  availableW?: number;
}

export interface SurplusDecision {
  on: boolean;
  setW: number;
  /** On/off or set-point differ from the previous state: send a command. */
  changed: boolean;
  failSafe: boolean;
  reason: string;
  state: SurplusState;
}

const kw = (w: number) => (Math.abs(w) >= 1000 ? `${(w / 1000).toFixed(2)} kW` : `${Math.round(w)} W`);
const secs = (ms: number) => `${Math.ceil(ms / 1000)} s`;

export function decideSurplus(inputs: SurplusInputs, state: SurplusState, config: SurplusConfig): SurplusDecision {
  const { now, mode } = inputs;
  const available = inputs.availableW;
  const sinceSwitch = state.switchedAt === undefined ? Infinity : now - state.switchedAt;
  const onLeft = state.on ? Math.max(0, config.minOnMs - sinceSwitch) : 0;
  const offLeft = !state.on ? Math.max(0, config.minOffMs - sinceSwitch) : 0;
  let next: SurplusState = { ...state };
  let reason = "";
  let failSafe = false;

  const turnOn = (w: number, why: string) => {
    next = { ...next, on: true, setW: w, switchedAt: state.on ? state.switchedAt : now, aboveSince: undefined, belowSince: undefined };
    reason = why;
  };
  const turnOff = (why: string) => {
    next = { ...next, on: false, setW: 0, switchedAt: state.on ? now : state.switchedAt, aboveSince: undefined, belowSince: undefined };
    reason = why;
  };
  /** Modulated: follow the surplus in steps, moving only outside the dead band. */
  const track = (avail: number): number => {
    if (config.kind === "relay") return config.minW;
    const current = state.on ? state.setW : config.minW;
    if (!state.on) return floorStep(config, avail);
    if (state.adjustedAt !== undefined && now - state.adjustedAt < config.adjustEveryMs) return current;
    if (avail >= current + config.stepW + config.deadbandW) return floorStep(config, avail - config.deadbandW);
    if (avail < current - config.deadbandW) return floorStep(config, avail);
    return current;
  };

  if (mode === "off") {
    turnOff("mode off");
  } else if (available === undefined) {
    if (mode === "now" && config.importLimitW === undefined) turnOn(config.maxW, `mode now: ${kw(config.maxW)}`);
    else {
      failSafe = true;
      if (config.failSafe === "off") turnOff("no measurement: fail-safe off");
      else reason = "no measurement: fail-safe hold";
    }
  } else if (mode === "now") {
    turnOn(config.maxW, `mode now: ${kw(config.maxW)}`);
  } else if (mode === "minpv") {
    turnOn(config.kind === "relay" ? config.minW : Math.max(config.minW, track(available)), `mode min+PV: ${kw(available)} available`);
  } else if (!state.on) {
    // PV only, load off: start timer
    const aboveSince = available >= config.startW ? (state.aboveSince ?? now) : undefined;
    next = { ...next, aboveSince, belowSince: undefined };
    const waited = aboveSince === undefined ? 0 : now - aboveSince;
    if (aboveSince === undefined) reason = `waiting for PV: ${kw(available)} < ${kw(config.startW)}`;
    else if (waited < config.startDelayMs) reason = `surplus ${kw(available)}: starting in ${secs(config.startDelayMs - waited)}`;
    else if (offLeft > 0) reason = `surplus ${kw(available)}: minimum off time, ${secs(offLeft)} left`;
    else turnOn(config.kind === "relay" ? config.minW : floorStep(config, available), `start: surplus ${kw(available)} ≥ ${kw(config.startW)} for ${secs(waited)}`);
  } else {
    // PV only, load on: stop timer, else follow
    const belowSince = available < config.stopW ? (state.belowSince ?? now) : undefined;
    next = { ...next, belowSince, aboveSince: undefined };
    const waited = belowSince === undefined ? 0 : now - belowSince;
    if (belowSince !== undefined && waited >= config.stopDelayMs && onLeft === 0) {
      turnOff(`stop: surplus ${kw(available)} < ${kw(config.stopW)} for ${secs(waited)}`);
    } else {
      const w = Math.max(config.minW, track(available));
      next = { ...next, setW: w };
      if (belowSince !== undefined) reason = `surplus ${kw(available)} < ${kw(config.stopW)}: stopping in ${secs(Math.max(config.stopDelayMs - waited, onLeft))}`;
      else reason = config.kind === "relay" ? `on: surplus ${kw(available)}` : `following PV: ${kw(w)} of ${kw(available)}`;
    }
  }

  // Safety first: never import more than the limit because of this load, whatever the timers.
  if (next.on && config.importLimitW !== undefined && available !== undefined && next.setW - available > config.importLimitW) {
    const cap = available + config.importLimitW;
    if (config.kind === "modulated" && cap >= config.minW) {
      next = { ...next, setW: floorStep(config, cap) };
      reason = `import limit ${kw(config.importLimitW)}: reduced to ${kw(next.setW)}`;
    } else {
      turnOff(`import limit ${kw(config.importLimitW)}: stopped (would import ${kw(next.setW - available)})`);
    }
  }
  const changed = next.on !== state.on || next.setW !== state.setW;
  if (next.setW !== state.setW) next = { ...next, adjustedAt: now };
  return { on: next.on, setW: next.setW, changed, failSafe, reason, state: next };
}

/** The mode in force: an unexpired override wins over the configured mode. */
export function effectiveMode(mode: SurplusMode, override: { mode: "on" | "off"; until?: number } | undefined, now: number): SurplusMode {
  if (!override || (override.until !== undefined && override.until <= now)) return mode;
  return override.mode === "on" ? "now" : "off";
}
