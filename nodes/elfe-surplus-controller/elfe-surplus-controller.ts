// PV-surplus control of one load (EV charger, water heater): evaluates at every measurement
// (grid, balance, PV and house, the load's own power) with lib/surplus, and commands the load on
// its first output only when the decision changes. A watchdog applies the fail-safe when the
// measurements stop.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import {
  availableSurplus,
  decideSurplus,
  effectiveMode,
  SURPLUS_IDLE,
  SURPLUS_MODES,
  surplusConfig,
  type SurplusConfig,
  type SurplusMeasure,
  type SurplusMode,
  type SurplusState,
} from "../../lib/surplus";
import { PLUG_FAMILIES, validateOverride, type DeviceCommand, type PlugFamily } from "../../lib/types";
import { asError, errorStatus, safeTimeout } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface SurplusDef extends NodeDef {
  deviceId: string;
  family: string;
  kind: string;
  unit: string;
  phases: string | number;
  voltage: string | number;
  min: string | number;
  max: string | number;
  step: string | number;
  mode: string;
  startW: string | number;
  startDelaySeconds: string | number;
  stopW: string | number;
  stopDelaySeconds: string | number;
  minOnMinutes: string | number;
  minOffMinutes: string | number;
  deadbandW: string | number;
  adjustEverySeconds: string | number;
  importLimitW: string | number;
  staleSeconds: string | number;
  failSafe: string;
}

const blank = (v: unknown) => v === undefined || v === null || String(v).trim() === "";
function num(v: unknown, fallback: number): number {
  if (blank(v)) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new RangeError(`not a number: ${JSON.stringify(v)}`);
  return n;
}

function wattsOf(payload: unknown): number {
  const v = payload && typeof payload === "object" ? ((payload as { powerW?: unknown; value?: unknown }).powerW ?? (payload as { value?: unknown }).value) : payload;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new Error(`not a power in W: ${JSON.stringify(payload)}`);
  return n;
}

export default function register(RED: NodeAPI): void {
  function ElfeSurplusController(this: Node, def: SurplusDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    let config: SurplusConfig;
    let baseMode: SurplusMode;
    let perUnitW: number;
    let family: PlugFamily;
    try {
      family = (def.family || "shelly-gen2") as PlugFamily;
      if (!PLUG_FAMILIES.includes(family)) throw new RangeError(`unknown plug family ${def.family}`);
      if (!def.deviceId) throw new RangeError("no device id: name the load the commands go to");
      baseMode = (SURPLUS_MODES as readonly string[]).includes(def.mode) ? (def.mode as SurplusMode) : "pv";
      const kind = def.kind === "modulated" ? "modulated" : "relay";
      // Set-points in amperes (an EV charger) become watts through the phases and the voltage.
      perUnitW = kind === "modulated" && def.unit === "A" ? num(def.phases, 1) * num(def.voltage, 230) : 1;
      const minW = num(def.min, kind === "modulated" && def.unit === "A" ? 6 : 2000) * perUnitW;
      const maxW = num(def.max, kind === "modulated" && def.unit === "A" ? 16 : minW / perUnitW) * perUnitW;
      const startW = num(def.startW, minW);
      config = surplusConfig({
        kind,
        minW,
        maxW,
        stepW: num(def.step, def.unit === "A" ? 1 : 100) * perUnitW,
        startW,
        stopW: num(def.stopW, Math.min(startW, minW / 2)),
        startDelayMs: num(def.startDelaySeconds, 60) * 1000,
        stopDelayMs: num(def.stopDelaySeconds, 180) * 1000,
        minOnMs: num(def.minOnMinutes, 5) * 60_000,
        minOffMs: num(def.minOffMinutes, 5) * 60_000,
        deadbandW: num(def.deadbandW, 100),
        adjustEveryMs: num(def.adjustEverySeconds, 30) * 1000,
        importLimitW: blank(def.importLimitW) ? undefined : num(def.importLimitW, 0),
        staleMs: num(def.staleSeconds, 60) * 1000,
        failSafe: def.failSafe === "hold" ? "hold" : "off",
      });
    } catch (err) {
      const e = asError(err);
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-surplus-controller.status.badConfig") });
      node.error(e);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(e));
      return;
    }

    let state: SurplusState = SURPLUS_IDLE;
    let mode = baseMode;
    let override: { mode: "on" | "off"; until?: number } | undefined;
    const measure: { [K in Exclude<keyof SurplusMeasure, "at">]?: { w: number; at: number } } = {};
    let watchdog: NodeJS.Timeout | undefined;

    /** The freshest consistent measurement, or undefined when every source is stale. */
    const current = (now: number): SurplusMeasure | undefined => {
      const fresh = (k: keyof typeof measure) => {
        const m = measure[k];
        return m && now - m.at <= config.staleMs ? m.w : undefined;
      };
      const m: SurplusMeasure = { at: now, gridW: fresh("gridW"), balanceW: fresh("balanceW"), pvW: fresh("pvW"), houseW: fresh("houseW"), loadW: fresh("loadW") };
      return m.gridW !== undefined || m.balanceW !== undefined || (m.pvW !== undefined && m.houseW !== undefined) ? m : undefined;
    };

    const decide = () => {
      const now = clock.now();
      const m = current(now);
      const availableW = m ? availableSurplus(m, state.setW) : undefined;
      const active = effectiveMode(mode, override, now);
      const d = decideSurplus({ now, mode: active, availableW }, state, config);
      state = d.state;
      const at = new Date(now).toISOString();
      let command: DeviceCommand | undefined;
      if (d.changed) {
        if (!d.on) command = { deviceId: def.deviceId, family, action: "off", reason: d.reason, at };
        else if (config.kind === "relay") command = { deviceId: def.deviceId, family, action: "on", reason: d.reason, at };
        else command = { deviceId: def.deviceId, family, action: "set", value: Math.round((d.setW / perUnitW) * 100) / 100, reason: d.reason, at };
      }
      const report = { mode: active, availableW, on: d.on, setW: d.setW, failSafe: d.failSafe, reason: d.reason, at };
      node.send([command ? { topic: def.deviceId, payload: command } : null, { topic: "state", payload: report }]);
      const text = d.on ? `${active} · ${Math.round(d.setW)} W · ${d.reason}` : `${active} · off · ${d.reason}`;
      node.status({ fill: d.failSafe ? "yellow" : d.on ? "green" : "grey", shape: d.on ? "dot" : "ring", text: text.slice(0, 70) });
      clearTimeout(watchdog);
      watchdog = safeTimeout(node, config.staleMs + 1000, decide);
    };

    node.on("input", (msg: NodeMessageInFlow, _send, done) => {
      try {
        const now = clock.now();
        const topic = String(msg.topic ?? "").toLowerCase();
        const keys: Record<string, keyof typeof measure> = {
          grid: "gridW",
          balance: "balanceW",
          surplus: "balanceW",
          pv: "pvW",
          house: "houseW",
          consumption: "houseW",
          load: "loadW",
        };
        if (topic in keys) {
          measure[keys[topic]] = { w: wattsOf(msg.payload), at: now };
        } else if (topic === "mode") {
          const m = String(msg.payload).toLowerCase();
          if (!(SURPLUS_MODES as readonly string[]).includes(m)) throw new Error(`unknown mode ${JSON.stringify(msg.payload)}: off, pv, minpv or now`);
          mode = m as SurplusMode;
        } else if (topic === "override") {
          const o = validateOverride.parse(msg.payload);
          // One load, so deviceId is not needed; "disable" holds it off.
          override = o.action === "auto" ? undefined : { mode: o.action === "disable" ? "off" : o.action, until: o.until ? Date.parse(o.until) : undefined };
        } else {
          throw new Error(`unknown topic ${JSON.stringify(msg.topic)}: grid, balance, pv, house, load, mode or override`);
        }
        decide();
        done();
      } catch (err) {
        const e = asError(err);
        node.status(errorStatus(e));
        done(e);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearTimeout(watchdog);
      node.status({});
      done();
    });
    node.status({ fill: "grey", shape: "ring", text: RED._("elfe-surplus-controller.status.waiting") });
  }
  RED.nodes.registerType("elfe-surplus-controller", ElfeSurplusController);
}
