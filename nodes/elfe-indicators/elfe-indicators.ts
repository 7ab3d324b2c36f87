// ELFE's operational indicators from the latest plan, the devices, their readings and the
// territory's meters; computed on every tick (e.g. from elfe-slot-clock), one message per indicator.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { FlexLedger, type FlexLedgerState } from "../../lib/indicators/flex-ledger";
import { computeIndicators, type IndicatorDevice, type TerritoryMeters } from "../../lib/indicators/indicators";
import { validatePlan, validateReading, type Plan, type Reading } from "../../lib/types";
import { asError } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface IndicatorsDef extends NodeDef {
  topicPrefix: string;
  enrolledParticipants: string;
  onlineWithinMinutes: string;
}

function devicesOf(payload: unknown): IndicatorDevice[] {
  if (!Array.isArray(payload)) throw new TypeError("devices: payload must be an array of {deviceId, piloted, lastStart?}");
  return payload.map((d: unknown, i) => {
    const o = d as Record<string, unknown>;
    if (typeof o?.deviceId !== "string" || typeof o.piloted !== "boolean") throw new TypeError(`devices[${i}]: needs deviceId (string) and piloted (boolean)`);
    if (o.lastStart !== undefined && typeof o.lastStart !== "string") throw new TypeError(`devices[${i}].lastStart must be an ISO time`);
    return { deviceId: o.deviceId, piloted: o.piloted, lastStart: o.lastStart as string | undefined };
  });
}

function metersOf(payload: unknown): TerritoryMeters {
  const o = payload as { consumptionW?: unknown; production?: Record<string, unknown> };
  if (typeof o?.consumptionW !== "number" || typeof o.production !== "object" || o.production === null) {
    throw new TypeError("meters: payload must be {consumptionW, production: {solar?, wind?, methanisation?, other?}} in W");
  }
  return o as TerritoryMeters;
}

export default function register(RED: NodeAPI): void {
  function ElfeIndicators(this: Node, config: IndicatorsDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const prefix = config.topicPrefix ?? "INDICATEURS/";
    const enrolled = Number(config.enrolledParticipants) || undefined;
    const onlineWithinMinutes = Number(config.onlineWithinMinutes) || 30;
    let plan: Plan | undefined;
    let devices: IndicatorDevice[] | undefined;
    let meters: TerritoryMeters | undefined;
    const readings = new Map<string, Reading>();
    // Energies counted over time (cumulative placed energy, last 24 h), kept across restarts.
    const ledger = new FlexLedger(node.context().get("flexLedger") as FlexLedgerState | undefined);

    node.on("input", (msg: NodeMessageInFlow, send, done) => {
      try {
        switch (msg.topic) {
          case "plan":
            plan = validatePlan.parse(msg.payload);
            return done();
          case "devices":
            devices = devicesOf(msg.payload);
            return done();
          case "reading": {
            const r = validateReading.parse(msg.payload);
            readings.set(r.deviceId, r);
            return done();
          }
          case "meters":
            meters = metersOf(msg.payload);
            ledger.advance(clock.now(), plan, meters.consumptionW);
            node.context().set("flexLedger", ledger.snapshot());
            return done();
        }
        ledger.advance(clock.now(), plan, meters?.consumptionW);
        node.context().set("flexLedger", ledger.snapshot());
        const indicators = computeIndicators({
          now: clock.now(),
          plan,
          devices,
          readings: readings.size ? [...readings.values()] : undefined,
          meters,
          enrolledParticipants: enrolled,
          onlineWithinMinutes,
          ledger: ledger.totals(),
        });
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-indicators.status.sent", { count: indicators.length, time: new Date(clock.now()).toISOString().slice(11, 16) }) });
        // Output 1: one message per indicator (MQTT topic / Zabbix key); output 2: all of them in one object.
        send([
          indicators.map((i) => ({ topic: prefix + i.name.replace(/\./g, "/"), key: i.name, payload: i.value, unit: i.unit })),
          { ...msg, payload: Object.fromEntries(indicators.map((i) => [i.name, i.value])) },
        ]);
        done();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-indicators.status.badInput") });
        done(asError(err));
      }
    });
  }
  RED.nodes.registerType("elfe-indicators", ElfeIndicators);
}
