// Room 4A020's PV-surplus loop: every period (and on a "cycle" message) reconnects the laptops in
// use, waits for their power to settle, then sheds by state of charge while the room consumes more
// than the dispatchable PV; drives the lights by presence and daylight and the heating set-point.
// Readings arrive as messages (by topic), so any source can feed it. The decisions are lib/room's.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import {
  decideLights,
  decideWarmth,
  emptyInputs,
  emptyRoomState,
  reconnectStep,
  roomConfig,
  shedStep,
  type Booking,
  type LightsConfig,
  type LightsState,
  type RoomConfig,
  type RoomInputs,
  type RoomReport,
  type RoomState,
  type WarmthConfig,
  type WarmthState,
} from "../../lib/room";
import { PLUG_FAMILIES, validateOverride, validateReading, validateSlotSeries, type DeviceCommand, type PlugFamily, type Reading, type SetpointCommand } from "../../lib/types";
import { asError, errorStatus, safeTimeout, territoryOf } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface RoomManagerDef extends NodeDef {
  territory?: string;
  laptops: string;
  fixedLoads: string;
  family: string;
  periodMinutes: string | number;
  settleSeconds: string | number;
  fullPct: string | number;
  fullResumePct: string | number;
  criticalPct: string | number;
  defaultPriorityPct: string | number;
  defaultLaptopW: string | number;
  hysteresisW: string | number;
  minOnMinutes: string | number;
  minOffMinutes: string | number;
  staleMinutes: string | number;
  pvSharePct: string | number;
  pvReserveW: string | number;
  reconnect: string;
  forecastMinutes: string | number;
  maxOffUnknownMinutes: string | number;
  failSafe: string;
  lightsId: string;
  lightsVia: string;
  onBelowLux: string | number;
  offAboveLux: string | number;
  lightsOffDelayMinutes: string | number;
  heatingId: string;
  comfortC: string | number;
  ecoC: string | number;
  boostC: string | number;
  boostOnW: string | number;
  boostOffW: string | number;
  preheatMinutes: string | number;
  maxC: string | number;
}

const MIN = 60_000;

function num(v: unknown, fallback: number): number {
  if (v === undefined || v === null || String(v).trim() === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new RangeError(`not a number: ${JSON.stringify(v)}`);
  return n;
}

const idList = (s: string | undefined) => (s ?? "").split(/[\s,;]+/).filter((x) => x.length > 0);

/** Presence from a sensor value: true/false, numbers (> 0), "on"/"true"/"1", or {value}/{on}. */
export function presenceOf(payload: unknown): boolean {
  if (typeof payload === "boolean") return payload;
  if (typeof payload === "number") return payload > 0;
  if (typeof payload === "string") return ["on", "true", "1", "yes", "present", "occupied"].includes(payload.trim().toLowerCase());
  if (payload && typeof payload === "object") {
    const o = payload as { value?: unknown; on?: unknown };
    return presenceOf(o.on ?? o.value);
  }
  return false;
}

function numberOf(payload: unknown, field: "powerW" | "value"): number {
  if (typeof payload === "number") return payload;
  if (typeof payload === "string" && payload.trim() !== "") return Number(payload);
  if (payload && typeof payload === "object") {
    const o = payload as Record<string, unknown>;
    return Number(o[field] ?? o.value ?? NaN);
  }
  return NaN;
}

function readingsOf(payload: unknown): Reading[] {
  const list = Array.isArray(payload) ? payload : [payload];
  return list.map((r) => validateReading.parse(r));
}

function isReadings(payload: unknown): boolean {
  const list = Array.isArray(payload) ? payload : [payload];
  return list.length > 0 && list.every((r) => validateReading.check(r).ok);
}

export default function register(RED: NodeAPI): void {
  function ElfeRoomManager(this: Node, def: RoomManagerDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    let config: RoomConfig;
    let lightsConfig: LightsConfig;
    let warmthConfig: WarmthConfig;
    let periodMs: number;
    let settleMs: number;
    try {
      const family = (def.family || "jeedom") as PlugFamily;
      if (!PLUG_FAMILIES.includes(family)) throw new RangeError(`unknown plug family ${def.family}`);
      const found = def.territory ? territoryOf(RED, def.territory) : undefined;
      if (found instanceof Error) throw found;
      config = roomConfig({
        laptops: idList(def.laptops),
        fixedLoads: idList(def.fixedLoads),
        family,
        zone: found?.zone ?? "Europe/Paris",
        fullPct: num(def.fullPct, 80),
        fullResumePct: num(def.fullResumePct, Math.min(75, num(def.fullPct, 80))),
        criticalPct: num(def.criticalPct, 20),
        defaultPriorityPct: num(def.defaultPriorityPct, 50),
        defaultLaptopW: num(def.defaultLaptopW, 45),
        hysteresisW: num(def.hysteresisW, 10),
        minOnMs: num(def.minOnMinutes, 20) * MIN,
        minOffMs: num(def.minOffMinutes, 20) * MIN,
        staleMs: num(def.staleMinutes, 15) * MIN,
        pvShare: num(def.pvSharePct, 100) / 100,
        pvReserveW: num(def.pvReserveW, 0),
        reconnect: def.reconnect === "all" ? "all" : "surplus",
        forecastLookaheadMs: num(def.forecastMinutes, 0) * MIN,
        maxOffUnknownMs: num(def.maxOffUnknownMinutes, 0) * MIN,
        failSafe: def.failSafe === "on" || def.failSafe === "off" ? def.failSafe : "hold",
      });
      lightsConfig = { onBelowLux: num(def.onBelowLux, 300), offAboveLux: num(def.offAboveLux, 600), offDelayMs: num(def.lightsOffDelayMinutes, 10) * MIN };
      warmthConfig = {
        comfortC: num(def.comfortC, 20),
        ecoC: num(def.ecoC, 16),
        boostC: num(def.boostC, 1),
        boostOnW: num(def.boostOnW, 300),
        boostOffW: num(def.boostOffW, 100),
        preheatMs: num(def.preheatMinutes, 30) * MIN,
        maxC: num(def.maxC, 22),
      };
      periodMs = Math.max(0, num(def.periodMinutes, 10)) * MIN;
      settleMs = Math.max(0, num(def.settleSeconds, 5)) * 1000;
    } catch (err) {
      const e = asError(err);
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-room-manager.status.badConfig") });
      node.error(e);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(e));
      return;
    }

    let inputs: RoomInputs = emptyInputs(clock.now());
    // The state is mirrored in the node's context and read back at start, so a persistent context
    // store can carry the minimum times and the shed laptops over a restart.
    const context = node.context();
    const saved = context.get("roomState") as RoomState | undefined;
    let state: RoomState = saved && typeof saved === "object" && typeof saved.laptops === "object" ? { laptops: saved.laptops } : emptyRoomState();
    const keep = (next: RoomState) => {
      state = next;
      context.set("roomState", { laptops: next.laptops });
    };
    let lights: LightsState = {};
    let warmth: WarmthState = {};
    let presence: boolean | undefined;
    let lux: number | undefined;
    let bookings: Booking[] = [];
    let lastBalanceW: number | undefined;
    let periodTimer: NodeJS.Timeout | undefined;
    let settleTimer: NodeJS.Timeout | undefined;
    let lightsTimer: NodeJS.Timeout | undefined;
    let settling = false;

    const snapshot = (): RoomInputs => ({ ...inputs, now: clock.now() });
    const send = (plugs: NodeMessage[], setpoints: NodeMessage[], report: NodeMessage | null) => {
      if (plugs.length || setpoints.length || report) node.send([plugs, setpoints, report ? [report] : []]);
    };
    const commandMsg = (c: DeviceCommand): NodeMessage => ({ topic: c.deviceId, payload: c });
    const setpointMsg = (s: SetpointCommand): NodeMessage => ({ topic: s.id, payload: s });

    const showStatus = (report: RoomReport) => {
      const warn = report.failSafe || report.skipped.length > 0 || report.notes.some((n) => n.startsWith("deficit"));
      node.status({ fill: warn ? "yellow" : "green", shape: report.decisions.length ? "dot" : "ring", text: report.summary.slice(0, 70) });
    };

    /** Lights: on presence/lux changes, at each cycle, and when the switch-off delay runs out. */
    const evaluateLights = (): NodeMessage[] => {
      // No decision before the presence sensor has spoken: the lights stay as people left them.
      if (!def.lightsId || presence === undefined) return [];
      const now = clock.now();
      const d = decideLights({ now, presence, lux }, lights, lightsConfig);
      lights = d.state;
      clearTimeout(lightsTimer);
      if (d.on && !presence && d.state.lastPresenceAt !== undefined) {
        const due = d.state.lastPresenceAt + lightsConfig.offDelayMs - now;
        lightsTimer = safeTimeout(node, Math.max(1, due), () => send(...lightsAndWarmth(), null));
      }
      if (!d.changed) return [];
      if (def.lightsVia === "plug") return [commandMsg({ deviceId: def.lightsId, family: config.family, action: d.on ? "on" : "off", reason: d.reason, at: new Date(now).toISOString() })];
      return [setpointMsg({ point: "lights", id: def.lightsId, value: d.on ? 1 : 0, reason: d.reason, at: new Date(now).toISOString() })];
    };
    const evaluateWarmth = (): NodeMessage[] => {
      if (!def.heatingId) return [];
      const now = clock.now();
      const occupied = presence === true || (lights.lastPresenceAt !== undefined && now - lights.lastPresenceAt < lightsConfig.offDelayMs);
      const d = decideWarmth({ now, occupied, bookings, surplusW: lastBalanceW }, warmth, warmthConfig);
      warmth = d.state;
      if (!d.changed) return [];
      return [setpointMsg({ point: "heating", id: def.heatingId, value: d.setpointC, unit: "°C", reason: d.reason, at: new Date(now).toISOString() })];
    };
    /** [plug-output messages, set-point messages] of the lights and the heating. */
    const lightsAndWarmth = (): [NodeMessage[], NodeMessage[]] => {
      const l = evaluateLights();
      const w = evaluateWarmth();
      return def.lightsVia === "plug" ? [l, w] : [[], [...l, ...w]];
    };

    const shed = () => {
      settling = false;
      const step = shedStep(snapshot(), state, config);
      keep(step.state);
      lastBalanceW = step.report.balanceW;
      const [lp, sp] = lightsAndWarmth();
      send([...step.commands.map(commandMsg), ...lp], sp, { topic: "report", payload: step.report });
      showStatus(step.report);
    };

    const cycle = () => {
      if (settling) return false;
      const step = reconnectStep(snapshot(), state, config);
      keep(step.state);
      send(step.commands.map(commandMsg), [], { topic: "report", payload: step.report });
      showStatus(step.report);
      if (step.commands.some((c) => c.action === "on") && settleMs > 0) {
        settling = true;
        settleTimer = safeTimeout(node, settleMs, shed);
      } else {
        shed();
      }
      return true;
    };

    const schedule = () => {
      if (periodMs <= 0) return;
      periodTimer = safeTimeout(node, periodMs, () => {
        schedule();
        cycle();
      });
    };

    node.on("input", (msg: NodeMessageInFlow, _send, done) => {
      try {
        const topic = String(msg.topic ?? "").toLowerCase();
        const now = clock.now();
        const payload = msg.payload;
        if (topic === "plug" || topic === "plugs" || topic === "battery" || topic === "batteries") {
          for (const r of readingsOf(payload)) {
            if (topic.startsWith("batter")) inputs.batteries[r.deviceId] = r;
            else inputs.plugs[r.deviceId] = r;
          }
        } else if (topic === "pv") {
          const w = numberOf(payload, "powerW");
          if (!Number.isFinite(w)) throw new Error(`PV power is not a number: ${JSON.stringify(payload)}`);
          const ts = payload && typeof payload === "object" && "ts" in payload ? Date.parse(String((payload as { ts: unknown }).ts)) : NaN;
          inputs.pv = { w, at: Number.isFinite(ts) ? ts : now };
        } else if (topic === "forecast") {
          inputs.pvForecast = validateSlotSeries.parse(payload);
        } else if (topic === "presence" || topic === "lux") {
          if (topic === "presence") presence = presenceOf(payload);
          else {
            const v = numberOf(payload, "value");
            lux = Number.isFinite(v) ? v : undefined;
          }
          send(...lightsAndWarmth(), null);
        } else if (topic === "booking" || topic === "bookings") {
          const list = Array.isArray(payload) ? payload : [];
          bookings = list.map((b: { start?: unknown; end?: unknown }) => {
            const start = Date.parse(String(b?.start));
            const end = Date.parse(String(b?.end));
            if (!Number.isFinite(start) || !(end > start)) throw new Error(`invalid booking ${JSON.stringify(b)}: needs ISO start < end`);
            return { start, end };
          });
          send(...lightsAndWarmth(), null);
        } else if (topic === "override") {
          const list = Array.isArray(payload) ? payload : [payload];
          const overrides = { ...inputs.overrides };
          for (const raw of list) {
            const o = validateOverride.parse(raw);
            // The room has no disabled state: "disable" holds the plug off.
            if (o.action === "auto") delete overrides[o.deviceId];
            else overrides[o.deviceId] = { mode: o.action === "disable" ? "off" : o.action, until: o.until ? Date.parse(o.until) : undefined };
          }
          inputs = { ...inputs, overrides };
          cycle();
        } else if (isReadings(payload)) {
          // Untagged readings: battery ones carry a state of charge, the others are plugs.
          for (const r of readingsOf(payload)) {
            if (r.batteryPct !== undefined) inputs.batteries[r.deviceId] = r;
            else inputs.plugs[r.deviceId] = r;
          }
        } else if (!cycle()) {
          node.warn(RED._("elfe-room-manager.warn.busy"));
        }
        done();
      } catch (err) {
        const e = asError(err);
        node.status(errorStatus(e));
        done(e);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearTimeout(periodTimer);
      clearTimeout(settleTimer);
      clearTimeout(lightsTimer);
      node.status({});
      done();
    });

    node.status({ fill: "grey", shape: "ring", text: RED._("elfe-room-manager.status.waiting") });
    schedule();
  }
  RED.nodes.registerType("elfe-room-manager", ElfeRoomManager);
}
