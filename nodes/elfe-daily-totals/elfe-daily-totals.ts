// Daily energy totals of a site (energy_app's "daily totals"): imports, exports, PV,
// self-consumption, cost and saving, per local day of the territory; state kept in context.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { DailyTotals, type DailyTotalsState, type MeterSample } from "../../lib/indicators/daily-totals";
import { checkTariff, type Tariff, type TariffWindow } from "../../lib/indicators/tariff";
import { gridOf } from "../../lib/territory";
import { asError, territoryOf } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface DailyTotalsDef extends NodeDef {
  territory: string;
  price: string;
  offPeakPrice: string;
  offPeakWindows: string;
  exportPrice: string;
  maxGapMinutes: string;
}

const STATE_KEY = "dailyTotals";

/** "22:00-06:00, 12:00-14:00" -> windows at the off-peak price. */
function windowsOf(text: string, price: number): TariffWindow[] {
  return text
    .split(",")
    .map((w) => w.trim())
    .filter((w) => w !== "")
    .map((w) => {
      const [start, end] = w.split("-").map((s) => s.trim());
      return { start, end, pricePerKWh: price };
    });
}

function sampleOf(payload: unknown): MeterSample {
  if (typeof payload !== "object" || payload === null) throw new TypeError("payload must be an object with gridImportWh/gridExportWh/pvWh counters or gridW/pvW powers");
  const p = payload as Record<string, unknown>;
  const fields = ["gridImportWh", "gridExportWh", "pvWh", "gridW", "pvW"] as const;
  if (!fields.some((f) => p[f] !== undefined)) throw new TypeError(`payload has none of ${fields.join(", ")}`);
  const sample: MeterSample = { ts: typeof p.ts === "string" || typeof p.ts === "number" ? p.ts : clock.now() };
  for (const f of fields) if (p[f] !== undefined) sample[f] = p[f] as number;
  return sample;
}

export default function register(RED: NodeAPI): void {
  function ElfeDailyTotals(this: Node, config: DailyTotalsDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const found = territoryOf(RED, config.territory);
    let totals: DailyTotals | Error;
    try {
      if (found instanceof Error) throw found;
      const num = (v: string, field: string, fallback?: number) => {
        if (v === "" || v === undefined) {
          if (fallback === undefined) throw new RangeError(`${field} is required`);
          return fallback;
        }
        return Number(v);
      };
      const price = num(config.price, "price");
      const tariff: Tariff = checkTariff({
        pricePerKWh: price,
        windows: windowsOf(config.offPeakWindows ?? "", num(config.offPeakPrice, "offPeakPrice", price)),
        exportPricePerKWh: num(config.exportPrice, "exportPrice", 0),
      });
      const restored = node.context().get(STATE_KEY) as DailyTotalsState | undefined;
      totals = new DailyTotals({ grid: gridOf(found), tariff, maxGapMinutes: num(config.maxGapMinutes, "maxGapMinutes", 30) }, restored);
    } catch (err) {
      totals = asError(err);
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-daily-totals.status.invalid") });
      node.error(totals);
    }

    node.on("input", (msg: NodeMessageInFlow, send, done) => {
      if (totals instanceof Error) return done(totals);
      try {
        const closed = totals.add(sampleOf(msg.payload));
        node.context().set(STATE_KEY, totals.snapshot());
        const day = totals.current();
        if (day) {
          node.status({ fill: "green", shape: "dot", text: RED._("elfe-daily-totals.status.today", { kwh: (day.consumptionWh / 1000).toFixed(1), pv: (day.pvWh / 1000).toFixed(1) }) });
        }
        // Output 1: the running day on every sample; output 2: each day that closed with it.
        send([{ ...msg, payload: day }, closed.length > 0 ? closed.map((d) => ({ topic: "daily-totals/closed", payload: d })) : null]);
        done();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-daily-totals.status.badInput") });
        done(asError(err));
      }
    });
  }
  RED.nodes.registerType("elfe-daily-totals", ElfeDailyTotals);
}
