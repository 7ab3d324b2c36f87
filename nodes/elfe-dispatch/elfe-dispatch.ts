// Turns the latest plan into device orders at every slot boundary of its territory, as ELFE's
// control-command does: one output per plug family (wired to that family's translator) and a
// last output for events (starts, confirmations, retries, failures, fail-safe, mode changes).
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { writeDeviceStates } from "../../lib/coordination/device-state";
import { Dispatcher, familyOutput, type DispatchSummary, type Outcome } from "../../lib/dispatch";
import { gridOf } from "../../lib/territory";
import {
  FAIL_SAFE_STATES,
  PLUG_FAMILIES,
  validateDispatchBindings,
  validateOverride,
  validatePlan,
  validateReading,
  validateSlotTick,
  type DispatchEvent,
  type FailSafeState,
  type Override,
  type Reading,
} from "../../lib/types";
import { asError, databaseOf, errorStatus, safeTimeout, territoryOf } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface DispatchDef extends NodeDef {
  territory: string;
  /** Optional elfe-database: the events' coordination fields are written back to it. */
  database?: string;
  failSafe: string;
  confirmTimeout: string | number;
  retries: string | number;
  startPowerW: string | number;
}

const OUTPUTS = PLUG_FAMILIES.length + 1;
const EVENTS = PLUG_FAMILIES.length;
const CONTEXT_KEY = "elfeDispatch";

function number(raw: unknown, fallback: number, min: number): number {
  const n = raw === "" || raw === undefined || raw === null ? fallback : Number(raw);
  return Number.isFinite(n) && n >= min ? n : fallback;
}

/** One item or a list of them. */
function items(payload: unknown): unknown[] {
  return Array.isArray(payload) ? payload : [payload];
}

export default function register(RED: NodeAPI): void {
  function ElfeDispatch(this: Node, config: DispatchDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const found = territoryOf(RED, config.territory);
    const timers = new Set<NodeJS.Timeout>();
    let slotTimer: NodeJS.Timeout | undefined;
    let wakeTimer: NodeJS.Timeout | undefined;
    let restoreTimer: NodeJS.Timeout | undefined;
    let lastDid = "";

    if (found instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-dispatch.status.noTerritory") });
      node.error(found);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(found));
      return;
    }
    const territory = found;
    const grid = gridOf(territory);
    const failSafe: FailSafeState = (FAIL_SAFE_STATES as readonly string[]).includes(config.failSafe) ? (config.failSafe as FailSafeState) : "off";
    const dispatcher = new Dispatcher({
      zone: territory.zone,
      failSafe,
      confirmTimeoutMs: number(config.confirmTimeout, 120, 1) * 1000,
      retries: Math.floor(number(config.retries, 2, 0)),
      startPowerW: number(config.startPowerW, 20, 0),
    });

    // Writes go one after the other, in the order the events happened.
    const database = config.database ? databaseOf(RED, config.database) : undefined;
    if (database instanceof Error) node.error(database);
    let writing: Promise<void> = Promise.resolve();
    const writeBack = (events: DispatchEvent[], now: number) => {
      if (!database || database instanceof Error || !events.some((e) => e.coordination)) return;
      writing = writing
        .then(async () => {
          const { db } = await database.coordination();
          await writeDeviceStates(db, events, now);
        })
        .catch((err: unknown) => {
          const written = events.filter((e) => e.coordination);
          node.error(new Error(RED._("elfe-dispatch.errors.writeBack", { error: asError(err).message })), { topic: "write-back", payload: written } as NodeMessage);
        });
    };

    const showStatus = (summary: DispatchSummary, failures: number) => {
      const withDid = (text: string) => (lastDid ? `${text} · ${lastDid}` : text);
      if (failures > 0) {
        node.status({ fill: "red", shape: "dot", text: withDid(RED._("elfe-dispatch.status.failed", { count: failures })) });
      } else if (summary.freshness === "missing") {
        node.status({ fill: "grey", shape: "ring", text: withDid(RED._("elfe-dispatch.status.noPlan")) });
      } else if (summary.freshness === "expired") {
        node.status({ fill: "yellow", shape: "ring", text: withDid(RED._("elfe-dispatch.status.expired")) });
      } else {
        const text = RED._("elfe-dispatch.status.slot", { index: summary.slotIndex ?? 0, count: summary.slotCount ?? 0 });
        node.status({ fill: "green", shape: "dot", text: withDid(text) });
      }
    };

    /** Sends an outcome: commands on their family's output (after their delays), events on the last one. */
    const emit = (outcome: Outcome, send: (msgs: (NodeMessage | NodeMessage[] | null)[]) => void, now: number) => {
      const immediate: NodeMessage[][] = Array.from({ length: OUTPUTS }, () => []);
      for (const c of outcome.commands) {
        const msg: NodeMessage & { plugId: string } = { topic: c.command.deviceId, plugId: c.plugId, payload: c.command };
        const port = familyOutput(c.command.family);
        if (c.delayMs <= 0) {
          immediate[port].push(msg);
          continue;
        }
        const timer = safeTimeout(node, c.delayMs, () => {
          timers.delete(timer);
          const out: (NodeMessage | null)[] = new Array<NodeMessage | null>(OUTPUTS).fill(null);
          out[port] = msg;
          node.send(out);
        });
        timers.add(timer);
      }
      immediate[EVENTS] = outcome.events.map((e: DispatchEvent) => ({ topic: e.kind, payload: e }));
      writeBack(outcome.events, now);
      if (immediate.some((m) => m.length > 0)) send(immediate.map((m) => (m.length ? m : null)));
      const failures = outcome.events.filter((e) => e.kind === "failed");
      for (const f of failures) node.error(new Error(`${f.deviceId}: ${f.message}`), { topic: f.kind, payload: f } as NodeMessage);
      if (outcome.commands.length > 0 || outcome.events.length > 0) save();
      if (outcome.commands.length > 0) lastDid = RED._("elfe-dispatch.status.commands", { count: outcome.commands.length, time: grid.at(now).toFormat("HH:mm") });
      showStatus(dispatcher.summary(now), failures.length);
      scheduleWake();
    };

    /** Keeps plans, bindings, overrides and last orders in the node's context, to carry on after a restart. */
    const save = () => {
      try {
        node.context().set(CONTEXT_KEY, dispatcher.dump());
      } catch (err) {
        node.warn(asError(err).message);
      }
    };

    const sendNow = (msgs: (NodeMessage | NodeMessage[] | null)[]) => node.send(msgs);

    /** A timer for the next override end or confirmation time-out between boundaries. */
    const scheduleWake = () => {
      clearTimeout(wakeTimer);
      const next = dispatcher.nextWake();
      if (next === undefined) return;
      wakeTimer = safeTimeout(node, Math.max(1, next - clock.now()), () => {
        const now = clock.now();
        emit(dispatcher.wake(now), sendNow, now);
      });
    };

    const scheduleSlot = () => {
      const delay = grid.msUntilNextSlot(clock.now());
      slotTimer = safeTimeout(node, Math.max(1, delay), () => {
        scheduleSlot();
        const now = clock.now();
        emit(dispatcher.tick(now), sendNow, now);
      });
    };

    node.on("input", (msg: NodeMessageInFlow, send, done) => {
      try {
        const now = clock.now();
        const topic = typeof msg.topic === "string" ? msg.topic : "";
        let outcome: Outcome;
        if (topic === "devices") {
          outcome = dispatcher.setBindings(validateDispatchBindings.parse(items(msg.payload)), now);
        } else if (topic === "override") {
          const overrides: Override[] = items(msg.payload).map((o) => validateOverride.parse(o));
          outcome = { commands: [], events: [] };
          for (const o of overrides) {
            const r = dispatcher.setOverride(o, now);
            outcome = { commands: [...outcome.commands, ...r.commands], events: [...outcome.events, ...r.events] };
          }
        } else if (topic === "reading") {
          const readings: Reading[] = items(msg.payload).map((r) => validateReading.parse(r));
          outcome = { commands: [], events: [] };
          for (const r of readings) {
            const o = dispatcher.reading(r, now);
            outcome = { commands: [...outcome.commands, ...o.commands], events: [...outcome.events, ...o.events] };
          }
        } else if (topic === "state") {
          outcome = dispatcher.fullState(now);
        } else if (topic === "plan" && msg.payload == null) {
          // elfe-plan-read found no plan in force: the one held (if any) keeps its own expiry.
          node.status({ fill: "yellow", shape: "ring", text: RED._("elfe-dispatch.status.noNewPlan") });
          return done();
        } else if (topic === "plan" || validatePlan.check(msg.payload).ok) {
          // Any topic: a plan-read or placement node may name its plan after the territory.
          outcome = dispatcher.setPlan(validatePlan.parse(msg.payload), now);
        } else if (topic === "tick" || validateSlotTick.check(msg.payload).ok) {
          outcome = dispatcher.tick(now);
        } else {
          throw new Error(RED._("elfe-dispatch.errors.unknownInput", { topic: topic || "(none)" }));
        }
        emit(outcome, send, now);
        if (topic !== "reading") save();
        done();
      } catch (err) {
        const e = asError(err);
        node.status(errorStatus(e));
        done(e);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearTimeout(slotTimer);
      clearTimeout(wakeTimer);
      clearTimeout(restoreTimer);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      node.status({});
      done();
    });

    node.status({ fill: "grey", shape: "ring", text: RED._("elfe-dispatch.status.waiting") });
    scheduleSlot();
    // After a restart (with a persistent context store) or a redeploy: carry on where it was.
    const saved: unknown = node.context().get(CONTEXT_KEY);
    // The state is back at once (a "state" or "devices" message may come first); what it changes
    // is sent once the flows have started.
    if (saved !== undefined) {
      const now = clock.now();
      try {
        const outcome = dispatcher.restore(saved, now);
        restoreTimer = safeTimeout(node, 100, () => emit(outcome, sendNow, now));
      } catch (err) {
        node.warn(RED._("elfe-dispatch.errors.restore", { error: asError(err).message }));
        node.context().set(CONTEXT_KEY, undefined);
      }
    }
  }
  RED.nodes.registerType("elfe-dispatch", ElfeDispatch);
}
