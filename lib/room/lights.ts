// The room's lights by presence and daylight: on when someone is there and it is dark enough,
// off after a delay without presence or when daylight is ample (two lux thresholds, so the lamps'
// own light seen by the sensor does not switch them off again).

export interface LightsConfig {
  /** Switch on when present and the illuminance is below this (lx). */
  onBelowLux: number;
  /** Switch off when the illuminance rises above this (lx); above onBelowLux. */
  offAboveLux: number;
  /** Keep the lights on this long after the last presence (ms). */
  offDelayMs: number;
}

export const LIGHTS_DEFAULTS: LightsConfig = { onBelowLux: 300, offAboveLux: 600, offDelayMs: 10 * 60_000 };

export interface LightsInputs {
  now: number;
  /** Presence sensor state now (undefined: no sensor reading). */
  presence?: boolean;
  /** Illuminance (lx); undefined: assume dark, so nobody is left in the dark. */
  lux?: number;
}

export interface LightsState {
  on?: boolean;
  lastPresenceAt?: number;
}

export interface LightsDecision {
  on: boolean;
  /** Differs from the previous decision (send only then). */
  changed: boolean;
  occupied: boolean;
  reason: string;
  state: LightsState;
}

export function decideLights(inputs: LightsInputs, state: LightsState, config: LightsConfig = LIGHTS_DEFAULTS): LightsDecision {
  const lastPresenceAt = inputs.presence ? inputs.now : state.lastPresenceAt;
  const sinceMs = lastPresenceAt === undefined ? Infinity : inputs.now - lastPresenceAt;
  const occupied = inputs.presence === true || sinceMs < config.offDelayMs;
  const wasOn = state.on === true;
  const dark = inputs.lux === undefined || inputs.lux < (wasOn ? config.offAboveLux : config.onBelowLux);
  const on = occupied && dark;
  let reason: string;
  if (!occupied) reason = lastPresenceAt === undefined ? "lights off: nobody seen" : `lights off: nobody for ${Math.round(sinceMs / 60_000)} min`;
  else if (!dark) reason = `lights off: daylight ${Math.round(inputs.lux ?? 0)} lx`;
  else if (inputs.presence) reason = inputs.lux === undefined ? "lights on: presence, no daylight reading" : `lights on: presence, ${Math.round(inputs.lux)} lx`;
  else reason = `lights on: presence ${Math.round(sinceMs / 60_000)} min ago, switch-off delay running`;
  return { on, changed: state.on !== on, occupied, reason, state: { on, lastPresenceAt } };
}
