// Persistence forecast of the territory balance: history SlotSeries in, forecast SlotSeries out
// for the territory's horizon, with a report of the gaps filled and the hourly deficit extremes.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { FORECAST_METHODS, persistenceForecast, type ForecastMethod, type ForecastOptions } from "../../lib/forecast";
import type { SlotSeries } from "../../lib/types";
import { asError, territoryOf } from "../node-helpers";

interface ForecastDef extends NodeDef {
  territory: string;
  method: string;
  days: string | number;
  horizonSlots: string | number;
  pvFactor: string | number;
  topic: string;
}

type ForecastMsg = NodeMessageInFlow & { weather?: unknown; origin?: unknown; horizonSlots?: unknown; pvFactor?: unknown };

/** A number from the dialog, else from msg, else undefined; throws on a value that is not one. */
function numberSetting(name: string, fromDialog: string | number | undefined, fromMsg: unknown): number | undefined {
  const raw = fromDialog !== undefined && String(fromDialog).trim() !== "" ? fromDialog : fromMsg;
  if (raw === undefined || raw === null || String(raw).trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(raw)}`);
  return n;
}

export default function register(RED: NodeAPI): void {
  function ElfePersistenceForecast(this: Node, config: ForecastDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const found = territoryOf(RED, config.territory);
    if (found instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-persistence-forecast.status.noTerritory") });
      node.error(found);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(found));
      return;
    }
    const territory = found;
    const method = (FORECAST_METHODS as readonly string[]).includes(config.method) ? (config.method as ForecastMethod) : "elfe";

    node.on("input", (msg: ForecastMsg, send, done) => {
      try {
        const horizonSlots = numberSetting("horizonSlots", config.horizonSlots, msg.horizonSlots) ?? territory.horizonSlots;
        const pvFactor = numberSetting("pvFactor", config.pvFactor, msg.pvFactor);
        const options: ForecastOptions = { method, horizonSlots, days: numberSetting("days", config.days, undefined) ?? 7 };
        if (typeof msg.origin === "string" && msg.origin.trim() !== "") options.origin = msg.origin;
        if (pvFactor !== undefined && msg.weather !== undefined) options.pv = { series: msg.weather as SlotSeries, factor: pvFactor }; // validated by the forecast
        const { series, report } = persistenceForecast(msg.payload, territory, options);
        const filled = report.filled.slots + report.interpolated;
        node.status({
          fill: filled > 0 ? "yellow" : "green",
          shape: "dot",
          text: RED._("elfe-persistence-forecast.status.done", { method: report.method, slots: series.values.length, filled }),
        });
        send(Object.assign(msg, { payload: series, report, topic: config.topic || msg.topic || territory.name }));
        done();
      } catch (err) {
        const e = asError(err);
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-persistence-forecast.status.error") });
        done(e);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-persistence-forecast", ElfePersistenceForecast);
}
