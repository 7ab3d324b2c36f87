// An installation typology: how an appliance is wired to its home-automation devices decides
// which orders, in which order and with which delays, start it or switch it (ELFE's
// `typologie_installation_domotique_id`).

/** Which device of the installation an order goes to. */
export type Role = "main" | "powerFinger";

export interface Step {
  role: Role;
  action: "on" | "off" | "press";
  /** Delay after the first step of the sequence, in ms. */
  delayMs: number;
}

/** How a start is confirmed: the main device's switch state, the appliance's power, or either. */
export interface ConfirmPolicy {
  /** Switch state the main device reports once the start order is carried out; undefined = state says nothing. */
  expectOn?: boolean;
  /** Power above the start threshold (from any device of the installation) confirms. */
  power: boolean;
}

export interface Typology {
  id: number;
  name: string;
  /** Re-sending the same order is harmless (a relay); false for presses, which toggle. */
  idempotent: boolean;
  /** The sequence that starts a one-shot appliance. */
  start(): Step[];
  /** The sequence that brings the appliance on or off; [] when the installation cannot do it. */
  set(on: boolean): Step[];
  confirm: ConfirmPolicy;
}

/** ELFE waits 5 s between two presses of a SwitchBot finger. */
export const PRESS_GAP_MS = 5_000;

export const step = (action: Step["action"], delayMs = 0, role: Role = "main"): Step => ({ role, action, delayMs });

/** Total length of a sequence (its last delay). */
export function sequenceMs(steps: Step[]): number {
  return steps.reduce((m, s) => Math.max(m, s.delayMs), 0);
}
