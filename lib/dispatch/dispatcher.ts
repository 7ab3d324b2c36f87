// The dispatch: latest plans + device bindings + overrides + time -> the DeviceCommands due now,
// and the events that say what happened (starts, confirmations, retries, fail-safe, modes).
// Pure: the caller gives the time and sends the commands after their delays.
import { z } from "zod";
import { SlotGrid, toMillis, type Instant } from "../time/grid";
import {
  DispatchBindingSchema,
  OverrideSchema,
  PlanSchema,
  ValidationError,
  PLUG_FAMILIES,
  type DeviceCommand,
  type DispatchBinding,
  type DispatchEvent,
  type FailSafeState,
  type Override,
  type Plan,
  type PlugFamily,
  type Reading,
} from "../types";
import { ConfirmationTracker, type PendingStart } from "./confirmation";
import { failSafeState, isContinuous } from "./failsafe";
import { OverrideBook, type ActiveOverride } from "./overrides";
import { PlanBook, type Freshness } from "./plans";
import { DeviceStates, type DeviceSnapshot, type Source } from "./state";
import { sequenceMs, typologyOf, type Step, type Typology } from "./typologies";

/** ELFE mode ids. */
export const MODE = { manual: 20, piloted: 30, disabled: 70 } as const;
/** ELFE command / control state ids written after an order (elfe-control-command.md §2). */
const COMMAND_ON = 13;
const COMMAND_WAITING_ON = 12;
const CONTROL_ON = 15;
const CONTROL_OFF = 25;

export interface DispatchOptions {
  /** The territory's IANA zone (slot grid). */
  zone: string;
  /** What continuous devices do without a fresh plan. */
  failSafe: FailSafeState;
  /** How long a start has to show itself, after its sequence is sent. */
  confirmTimeoutMs: number;
  /** Retries of an unconfirmed start before it is reported failed. */
  retries: number;
  /** Default power (W) above which an appliance is running. */
  startPowerW: number;
}

export const DISPATCH_DEFAULTS: Omit<DispatchOptions, "zone"> = { failSafe: "off", confirmTimeoutMs: 120_000, retries: 2, startPowerW: 20 };

/** A command with the delay after which to send it and the plug it goes to. */
export interface OutgoingCommand {
  delayMs: number;
  plugId: string;
  command: DeviceCommand;
}

export interface Outcome {
  commands: OutgoingCommand[];
  events: DispatchEvent[];
}

export interface DispatchSummary {
  freshness: Freshness;
  slotIndex?: number;
  slotCount?: number;
  devices: number;
  pending: number;
  overrides: number;
}

/** What the dispatch saves to survive a restart (Node-RED context), validated when read back. */
const DumpSchema = z.object({
  plans: z.array(PlanSchema),
  bindings: z.array(DispatchBindingSchema),
  overrides: z.array(OverrideSchema),
  devices: z.record(
    z.string(),
    z.object({
      desired: z.boolean().optional(),
      source: z.enum(["plan", "override", "failsafe"]).optional(),
      startedSlot: z.string().optional(),
      lastStartAt: z.string().optional(),
      heldManual: z.boolean().optional(),
    }),
  ),
});
export type DispatchDump = z.infer<typeof DumpSchema>;

export class Dispatcher {
  readonly options: DispatchOptions;
  private readonly plans: PlanBook;
  private readonly overrides = new OverrideBook();
  private readonly confirmations = new ConfirmationTracker();
  private readonly states = new DeviceStates();
  /** Bindings by device id, in device id order. */
  private bindings = new Map<string, DispatchBinding>();
  /** Which devices a reading's id belongs to (the appliance, its plug, meter, sensor, fingers). */
  private byReadingId = new Map<string, string[]>();
  private freshness: Freshness | undefined;
  /** Formats times in the territory's zone (and checks the zone at construction). */
  private readonly clock: SlotGrid;
  private readonly isoCache = new Map<number, string>();

  constructor(options: Partial<DispatchOptions> & { zone: string }) {
    this.options = { ...DISPATCH_DEFAULTS, ...options };
    this.plans = new PlanBook(this.options.zone);
    this.clock = new SlotGrid({ zone: this.options.zone, stepMinutes: 15 });
  }

  /** A new plan: applied at once for what changed (a start due in the current slot, a continuous switch). */
  setPlan(plan: Plan, now: Instant): Outcome {
    now = toMillis(now);
    this.plans.add(plan);
    const out = this.evaluate(now, false);
    out.events.unshift(this.event("plan-applied", now, `plan from ${plan.firstValidTimestamp}: ${plan.devices.length} device(s), ${plan.slotCount} slots`));
    return out;
  }

  /** The device bindings (from the coordination database): replaces the previous list. */
  setBindings(bindings: DispatchBinding[], now: Instant): Outcome {
    now = toMillis(now);
    this.installBindings(bindings, true);
    return this.evaluate(now, false);
  }

  private installBindings(bindings: DispatchBinding[], fromDatabase: boolean): void {
    // A device we moved to manual after its start stays manual until the bindings have shown it
    // (the database caught up): a stale "30" must not start — or press — a running machine again.
    const held = (b: DispatchBinding): DispatchBinding => {
      const mem = this.states.of(b.deviceId);
      if (!fromDatabase || !mem.heldManual) return b;
      if (b.mode !== MODE.piloted) {
        mem.heldManual = false;
        return b;
      }
      return { ...b, mode: MODE.manual };
    };
    this.bindings = new Map([...bindings].sort((a, b) => a.deviceId.localeCompare(b.deviceId)).map((b) => [b.deviceId, held(b)]));
    this.byReadingId = new Map();
    for (const b of bindings) {
      for (const id of new Set([b.deviceId, b.plugId, b.meterId, b.sensorId, b.powerFinger?.plugId])) {
        if (id !== undefined) this.byReadingId.set(id, [...(this.byReadingId.get(id) ?? []), b.deviceId]);
      }
    }
    this.states.keepOnly(new Set(this.bindings.keys()));
  }

  /** A manual override; throws a RangeError for an unknown device or an end already past. */
  setOverride(override: Override, now: Instant): Outcome {
    now = toMillis(now);
    const binding = this.bindings.get(override.deviceId);
    if (!binding) throw new RangeError(`override for unknown device ${override.deviceId}: send its binding first`);
    const { replaced } = this.overrides.set(override, now);
    const events: DispatchEvent[] = [];
    const until = override.until ? ` until ${override.until}` : "";
    events.push(this.event("override", now, `${override.action}${until}`, override.deviceId));
    if (override.action === "disable" && replaced?.action !== "disable") {
      this.confirmations.cancel(override.deviceId);
      events.push(this.event("mode", now, `disabled by override${until}`, override.deviceId, { coordination: { mode: MODE.disabled } }));
    } else if (override.action !== "disable" && replaced?.action === "disable") {
      events.push(this.event("mode", now, `override ${override.action}: back to mode ${binding.mode}`, override.deviceId, { coordination: { mode: binding.mode } }));
    }
    const out = this.evaluate(now, false);
    out.events.unshift(...events);
    return out;
  }

  /** A reading from a translator: confirms a start, notes offline devices and power that should not be there. */
  reading(reading: Reading, now: Instant): Outcome {
    now = toMillis(now);
    const out: Outcome = { commands: [], events: [] };
    // Date.parse reads every ISO time with offset that the Reading validator lets through.
    const verdict = this.confirmations.onReading(reading, Date.parse(reading.ts));
    if (verdict) {
      const p = verdict.confirmed;
      const binding = this.bindings.get(p.deviceId);
      const at = this.iso(now);
      const mem = this.states.of(p.deviceId);
      mem.lastStartAt = at;
      out.events.push(
        this.event("confirmed", now, `start confirmed: ${verdict.by}`, p.deviceId, {
          attempt: p.attempt,
          coordination: { commandState: COMMAND_ON, controlState: CONTROL_ON, running: true, lastStartAt: at },
        }),
      );
      if (binding && binding.mode === MODE.piloted) {
        this.bindings.set(binding.deviceId, { ...binding, mode: MODE.manual });
        mem.heldManual = true;
        out.events.push(this.event("mode", now, "started: back to manual (30 → 20)", p.deviceId, { coordination: { mode: MODE.manual } }));
      }
    }
    for (const binding of this.bindingsOf(reading.deviceId)) {
      const mem = this.states.of(binding.deviceId);
      const typology = typologyOf(binding);
      if (reading.online !== undefined && reading.online !== mem.online) {
        if (!reading.online) out.events.push(this.event("offline", now, `${reading.deviceId} is offline (last will)`, binding.deviceId));
        // Back from offline: a relay may have restarted in its default state; give it its order again.
        const back = reading.online && mem.online === false && mem.desired !== undefined && !(typology instanceof Error) && typology.idempotent;
        if (back) out.commands.push(...this.commandsFor(binding, typology.set(mem.desired === true), `back online: ${mem.reason ?? ""}`, now));
        mem.online = reading.online;
      }
      const threshold = binding.startPowerW ?? this.options.startPowerW;
      if (
        mem.desired === false &&
        !(typology instanceof Error) &&
        typology.idempotent &&
        reading.powerW !== undefined &&
        reading.powerW >= threshold &&
        !mem.powerFlagged
      ) {
        mem.powerFlagged = true;
        out.events.push(this.event("unexpected-power", now, `${reading.deviceId} draws ${reading.powerW} W while it should be off (${mem.reason ?? ""})`, binding.deviceId));
      }
    }
    return out;
  }

  /** A slot boundary: ends overrides and time-outs, then re-sends every idempotent order. */
  tick(now: Instant): Outcome {
    now = toMillis(now);
    return this.merge(this.housekeeping(now), this.evaluate(now, true));
  }

  /** A timer between boundaries (override end, confirmation time-out): only what changed. */
  wake(now: Instant): Outcome {
    now = toMillis(now);
    return this.merge(this.housekeeping(now), this.evaluate(now, false));
  }

  /** The full current state: every idempotent order re-sent, and a "state" event listing every device. */
  fullState(now: Instant): Outcome {
    now = toMillis(now);
    const out = this.tick(now);
    const devices = this.snapshot(now);
    out.events.push(this.event("state", now, `${devices.length} device(s), plan ${this.plans.freshness(now)}`, undefined, { devices: devices.map((d) => ({ ...d })) }));
    return out;
  }

  snapshot(now: Instant): DeviceSnapshot[] {
    now = toMillis(now);
    return [...this.bindings.values()].map((b) => this.states.snapshot(b, this.modeOf(b, now), this.overrides.get(b.deviceId, now), this.confirmations.get(b.deviceId)));
  }

  /** Plans, bindings, overrides and each device's last order: enough to carry on after a restart. */
  dump(): DispatchDump {
    return {
      plans: [...this.plans.all].reverse(),
      bindings: [...this.bindings.values()],
      overrides: this.overrides.list().map(({ deviceId, action, until }) => (until ? { deviceId, action, until } : { deviceId, action })),
      devices: this.states.dump(),
    };
  }

  /**
   * Reads a dump back (after a restart) and evaluates now: what changed while down is sent,
   * overrides that ended meanwhile are dropped. Throws a ValidationError for a damaged dump.
   */
  restore(dump: unknown, now: Instant): Outcome {
    now = toMillis(now);
    const parsed = DumpSchema.safeParse(dump);
    if (!parsed.success) {
      throw new ValidationError(
        "saved dispatch state",
        parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      );
    }
    for (const plan of parsed.data.plans) this.plans.add(plan);
    for (const [id, m] of Object.entries(parsed.data.devices)) Object.assign(this.states.of(id), m);
    this.installBindings(parsed.data.bindings, false);
    for (const o of parsed.data.overrides) {
      if (o.until === undefined || toMillis(o.until) > now) this.overrides.set(o, now);
    }
    return this.evaluate(now, false);
  }

  /** The next instant (epoch ms) something ends between slot boundaries, for the caller's timer. */
  nextWake(): number | undefined {
    const times = [this.overrides.nextExpiry(), this.confirmations.nextDeadline()].filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }

  summary(now: Instant): DispatchSummary {
    now = toMillis(now);
    const current = this.plans.current(now);
    return {
      freshness: this.plans.freshness(now),
      slotIndex: current?.index,
      slotCount: current?.plan.slotCount,
      devices: this.bindings.size,
      pending: this.confirmations.list().length,
      overrides: this.overrides.list().filter((o) => this.overrides.get(o.deviceId, now)).length,
    };
  }

  // ---------------------------------------------------------------------------------------------

  private housekeeping(now: Instant): Outcome {
    const out: Outcome = { commands: [], events: [] };
    for (const o of this.overrides.expire(now)) {
      out.events.push(this.event("override-expired", now, `${o.action} override ended at ${o.until}`, o.deviceId));
      const binding = this.bindings.get(o.deviceId);
      if (o.action === "disable" && binding) {
        out.events.push(this.event("mode", now, `disable ended: back to mode ${binding.mode}`, o.deviceId, { coordination: { mode: binding.mode } }));
      }
    }
    for (const p of this.confirmations.due(toMillis(now))) this.retryOrFail(p, now, out);
    return out;
  }

  private retryOrFail(p: PendingStart, now: Instant, out: Outcome): void {
    const binding = this.bindings.get(p.deviceId);
    const typology = binding ? typologyOf(binding) : undefined;
    if (!binding || !typology || typology instanceof Error) return;
    // Switched to manual or disabled meanwhile: the person has taken over, nothing to retry or report.
    if (this.modeOf(binding, now) !== MODE.piloted) return;
    // A press toggles: press again only when a reading shows the appliance idle, never blindly.
    const mayRetry = typology.idempotent || p.sawLowPower;
    if (p.attempt <= this.options.retries && mayRetry) {
      const reason = `retry ${p.attempt}/${this.options.retries}: start of slot ${p.slotStart} not confirmed`;
      out.commands.push(...this.commandsFor(binding, typology.start(), reason, now));
      this.confirmations.begin(this.pendingFor(binding, typology, p.slotStart, now, p.attempt + 1));
      out.events.push(this.event("retry", now, reason, p.deviceId, { attempt: p.attempt + 1 }));
      return;
    }
    const why = !mayRetry ? "no reading shows it idle, so it is not pressed again" : `after ${p.attempt} attempt(s)`;
    out.events.push(
      this.event("failed", now, `start of slot ${p.slotStart} not confirmed ${why}; the device stays piloted`, p.deviceId, {
        attempt: p.attempt,
        coordination: { mode: binding.mode, running: false },
      }),
    );
  }

  /**
   * Every device's order for now. `boundary` (a slot boundary, or "state") re-sends idempotent
   * orders. Without any plan yet the fail-safe waits for a boundary, so that bindings arriving a
   * moment before the plan after a restart do not switch heaters off and on again.
   */
  private evaluate(now: Instant, boundary: boolean): Outcome {
    const out: Outcome = { commands: [], events: [] };
    const freshness = this.plans.freshness(now);
    const failSafeNow = freshness === "expired" || (freshness === "missing" && boundary);
    if (failSafeNow && this.freshness !== freshness) {
      const what = freshness === "missing" ? "no plan" : "plan expired (older than its horizon)";
      out.events.push(this.event("plan-expired", now, `${what}: not applied; continuous devices go to their fail-safe state`));
    }
    if (freshness === "fresh" || failSafeNow) this.freshness = freshness;
    for (const binding of this.bindings.values()) {
      this.evaluateDevice(binding, now, boundary, freshness, failSafeNow, out);
    }
    return out;
  }

  private evaluateDevice(binding: DispatchBinding, now: Instant, resend: boolean, freshness: Freshness, failSafeNow: boolean, out: Outcome): void {
    const id = binding.deviceId;
    const typology = typologyOf(binding);
    const mem = this.states.of(id);
    if (typology instanceof Error) {
      if (!mem.unsupportedReported) out.events.push(this.event("unsupported", now, typology.message, id));
      mem.unsupportedReported = true;
      return;
    }
    const override = this.overrides.get(id, now);
    if (override?.action === "disable") return;
    if (override) {
      const until = override.until ? ` until ${override.until}` : "";
      this.desire(binding, typology, override.action === "on", "override", `override ${override.action}${until}`, now, resend, out);
      return;
    }
    if (this.modeOf(binding, now) !== MODE.piloted) return;
    const slot = this.plans.lookup(id, now);
    if (slot) {
      const at = `plan ${slot.plan.firstValidTimestamp} slot ${slot.index}/${slot.plan.slotCount}`;
      if (isContinuous(binding, slot.device)) {
        this.desire(binding, typology, slot.decision !== 0, "plan", at, now, resend, out);
      } else if (slot.decision !== 0 && mem.startedSlot !== slot.slotStart && !this.confirmations.get(id)) {
        this.start(binding, typology, slot.slotStart, `start: ${at}`, now, out);
      }
      return;
    }
    if (!isContinuous(binding) || !(failSafeNow || freshness === "fresh")) return;
    const state = failSafeState(binding, this.options.failSafe);
    const why = freshness === "fresh" ? "not in the current plan" : freshness === "missing" ? "no plan" : "plan expired";
    if (state === "leave") {
      if (mem.source !== "failsafe") out.events.push(this.event("failsafe", now, `fail-safe (${why}): left as it is`, id));
      mem.source = "failsafe";
      return;
    }
    const before = mem.source;
    this.desire(binding, typology, state === "on", "failsafe", `fail-safe ${state} (${why})`, now, resend, out);
    if (before !== "failsafe") out.events.push(this.event("failsafe", now, `fail-safe ${state} (${why})`, id));
  }

  /** Asks an on/off of the appliance: sent when it changes, and at boundaries for idempotent typologies. */
  private desire(binding: DispatchBinding, typology: Typology, on: boolean, source: Source, reason: string, now: Instant, resend: boolean, out: Outcome): void {
    const mem = this.states.of(binding.deviceId);
    const changed = mem.desired !== on;
    mem.source = source;
    mem.reason = reason;
    if (!changed && !(resend && typology.idempotent)) return;
    if (changed) {
      mem.powerFlagged = false;
      out.events.push(
        this.event("switched", now, `${on ? "on" : "off"}: ${reason}`, binding.deviceId, {
          coordination: on ? { commandState: COMMAND_ON, controlState: CONTROL_ON, running: true } : { commandState: COMMAND_WAITING_ON, controlState: CONTROL_OFF, running: false },
        }),
      );
    }
    mem.desired = on;
    out.commands.push(...this.commandsFor(binding, typology.set(on), reason, now));
  }

  private start(binding: DispatchBinding, typology: Typology, slotStart: string, reason: string, now: Instant, out: Outcome): void {
    const mem = this.states.of(binding.deviceId);
    mem.startedSlot = slotStart;
    mem.desired = undefined; // the start switches the appliance on: power from now on is expected
    out.commands.push(...this.commandsFor(binding, typology.start(), reason, now));
    this.confirmations.begin(this.pendingFor(binding, typology, slotStart, now, 1));
    out.events.push(this.event("start-sent", now, reason, binding.deviceId, { attempt: 1 }));
  }

  private pendingFor(binding: DispatchBinding, typology: Typology, slotStart: string, now: Instant, attempt: number): PendingStart {
    const t = toMillis(now);
    const ids = [binding.deviceId, binding.plugId, binding.meterId, binding.sensorId, binding.powerFinger?.plugId].filter((x): x is string => !!x);
    return {
      deviceId: binding.deviceId,
      attempt,
      sentAt: t,
      deadline: t + sequenceMs(typology.start()) + this.options.confirmTimeoutMs,
      policy: typology.confirm,
      thresholdW: binding.startPowerW ?? this.options.startPowerW,
      mainIds: new Set([binding.deviceId, binding.plugId]),
      ids: new Set(ids),
      slotStart,
      sawLowPower: false,
    };
  }

  private commandsFor(binding: DispatchBinding, steps: Step[], reason: string, now: Instant): OutgoingCommand[] {
    const t = toMillis(now);
    return steps.flatMap((s) => {
      const target = s.role === "powerFinger" ? binding.powerFinger : { family: binding.family, plugId: binding.plugId };
      if (!target) return [];
      const family: PlugFamily = target.family;
      const command: DeviceCommand = { deviceId: binding.deviceId, family, action: s.action, reason, at: this.iso(t + s.delayMs) };
      return [{ delayMs: s.delayMs, plugId: target.plugId, command }];
    });
  }

  private modeOf(binding: DispatchBinding, now: Instant): number {
    return this.overrides.get(binding.deviceId, now)?.action === "disable" ? MODE.disabled : binding.mode;
  }

  private bindingsOf(readingId: string): DispatchBinding[] {
    return (this.byReadingId.get(readingId) ?? []).map((id) => this.bindings.get(id)).filter((b): b is DispatchBinding => b !== undefined);
  }

  /** ISO time in the territory's zone; the few instants of one evaluation are formatted once. */
  private iso(t: Instant): string {
    const ms = toMillis(t);
    let text = this.isoCache.get(ms);
    if (text === undefined) {
      if (this.isoCache.size > 32) this.isoCache.clear();
      text = this.clock.iso(ms);
      this.isoCache.set(ms, text);
    }
    return text;
  }

  private event(kind: DispatchEvent["kind"], now: Instant, message: string, deviceId?: string, extra: Partial<DispatchEvent> = {}): DispatchEvent {
    const e: DispatchEvent = { kind, at: this.iso(now), message, ...extra };
    if (deviceId !== undefined) e.deviceId = deviceId;
    return e;
  }

  private merge(a: Outcome, b: Outcome): Outcome {
    return { commands: [...a.commands, ...b.commands], events: [...a.events, ...b.events] };
  }
}

/** The output index of each plug family (the node has one output per family, then one for events). */
export function familyOutput(family: PlugFamily): number {
  return PLUG_FAMILIES.indexOf(family);
}

export type { ActiveOverride };
