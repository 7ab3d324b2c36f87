// Places the flexible consumption on the forecast balance (MILP with HiGHS, in a worker thread)
// and sends the Plan. Input: msg.payload = {forecast, requests}, or the forecast in msg.payload
// and the requests in msg.requests; optional msg.prices = {import: number[], export?: number[]}.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import type { PlacementOptions } from "../../lib/placement";
import { PlacementRunner, ReplacedError, type QueuePolicy } from "../../lib/placement/runner";
import type { Territory } from "../../lib/territory";
import { validateFlexRequests, validateSlotSeries, type Plan } from "../../lib/types";
import { asError, errorStatus, territoryOf } from "../node-helpers";

interface PlacementDef extends NodeDef {
  territory: string;
  timeLimitS: string | number;
  mipGap: string | number;
  policy: QueuePolicy;
  stabilityWh: string | number;
  tieBreak: boolean;
  feederLimitKw: string | number;
  waterHeaterExtraHours: string | number;
  topic: string;
}

type Msg = NodeMessageInFlow & { requests?: unknown; prices?: { import?: unknown; export?: unknown } };

/** A dialog number: blank -> undefined; otherwise it must be a finite number within [min, max]. */
function numberSetting(raw: string | number | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === null || String(raw).trim() === "") return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new RangeError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return v;
}

function priceArray(v: unknown, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((p) => typeof p === "number" && Number.isFinite(p))) throw new TypeError(`msg.prices.${name} must be an array of numbers (price per kWh, one per slot)`);
  return v as number[];
}

export default function register(RED: NodeAPI): void {
  function ElfePlacement(this: Node, config: PlacementDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const found = territoryOf(RED, config.territory);
    if (found instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-placement.status.noTerritory") });
      node.error(found);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(found));
      return;
    }
    const territory: Territory = found;
    let base: PlacementOptions;
    try {
      base = {
        timeLimitS: numberSetting(config.timeLimitS, "time limit", 0.1, 3600) ?? 10,
        mipGap: numberSetting(config.mipGap, "gap", 0, 1) ?? 5e-5,
        stabilityWh: numberSetting(config.stabilityWh, "stability", 0, 1e9) ?? 0,
        tieBreak: config.tieBreak === true,
        feederLimitKw: numberSetting(config.feederLimitKw, "feeder limit", 0, 1e9),
        waterHeaterExtraHours: numberSetting(config.waterHeaterExtraHours, "water-heater extra hours", 0, 24) ?? 2,
      };
    } catch (err) {
      const e = asError(err);
      node.status(errorStatus(e));
      node.error(e);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(e));
      return;
    }
    const runner = new PlacementRunner({ policy: config.policy === "queue" ? "queue" : "replace" });
    runner.start();
    let lastPlan: Plan | undefined;

    const showIdle = () => {
      if (!lastPlan) return;
      const i = lastPlan.runInfo;
      node.status({
        fill: lastPlan.warnings.length ? "yellow" : "green",
        shape: "dot",
        text: RED._("elfe-placement.status.done", { devices: i.deviceCount, kwh: (i.objectiveWh / 1000).toFixed(1), ms: Math.round(i.solveMs) }),
      });
    };

    node.on("input", (msg: Msg, send, done) => {
      let input;
      try {
        const payload = msg.payload as { forecast?: unknown; requests?: unknown } | undefined;
        const combined = payload !== null && typeof payload === "object" && "forecast" in payload;
        const forecast = validateSlotSeries.parse(combined ? payload.forecast : payload);
        const requests = validateFlexRequests.parse(combined ? payload.requests : (msg.requests ?? []));
        input = {
          territory,
          forecast,
          requests,
          options: { ...base, importPrice: priceArray(msg.prices?.import, "import"), exportPrice: priceArray(msg.prices?.export, "export") },
        };
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-placement.status.invalid") });
        done(asError(err));
        return;
      }
      node.status({ fill: "blue", shape: "ring", text: RED._("elfe-placement.status.solving", { devices: input.requests.length }) });
      runner.solve(input).then(
        (result) => {
          lastPlan = result.plan;
          showIdle();
          send({ ...msg, topic: config.topic || msg.topic || territory.name, payload: result.plan });
          done();
        },
        (err: unknown) => {
          if (err instanceof ReplacedError) {
            done();
            return;
          }
          const e = asError(err);
          node.status({ fill: "red", shape: "ring", text: RED._(lastPlan ? "elfe-placement.status.failedKept" : "elfe-placement.status.failed") });
          done(e);
        },
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      runner.close().then(
        () => done(),
        () => done(),
      );
      node.status({});
    });
    node.status({ fill: "grey", shape: "ring", text: RED._("elfe-placement.status.waiting") });
  }
  RED.nodes.registerType("elfe-placement", ElfePlacement);
}
