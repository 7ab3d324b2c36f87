// Reads the plan in force (per device, the newest result row still covering now), with its
// age; optionally pushes it into the flow as soon as a new plan is committed (LISTEN/NOTIFY).
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { keepListening } from "../../lib/coordination/listen";
import { readLatestPlan } from "../../lib/coordination/read";
import type { Territory } from "../../lib/territory";
import { asError, databaseOf, territoryOf } from "../node-helpers";

interface PlanReadDef extends NodeDef {
  database: string;
  territory: string;
  resultTypes: string;
  listen: boolean;
}

/** "0, 7" -> [0, 7]; blank -> all. */
export function parseResultTypes(text: string | undefined): number[] {
  const parts = (text ?? "").split(/[\s,;]+/).filter((p) => p !== "");
  const values = parts.map(Number);
  if (!values.every((v) => Number.isInteger(v))) throw new RangeError(`result types must be whole numbers separated by commas, got ${JSON.stringify(text)}`);
  return values;
}

export default function register(RED: NodeAPI): void {
  function ElfePlanRead(this: Node, config: PlanReadDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const database = databaseOf(RED, config.database);
    const territory: Territory | Error = config.territory ? territoryOf(RED, config.territory) : new Error("");
    const zone = territory instanceof Error ? "Europe/Paris" : territory.zone;
    let resultTypes: number[] | Error;
    try {
      resultTypes = parseResultTypes(config.resultTypes);
    } catch (err) {
      resultTypes = asError(err);
    }
    const problem = database instanceof Error ? database : resultTypes instanceof Error ? resultTypes : undefined;
    let stopListening: (() => Promise<void>) | undefined;

    const read = async () => {
      if (database instanceof Error || resultTypes instanceof Error) throw problem;
      const { db } = await database.coordination();
      const reading = await readLatestPlan(db, { zone, resultTypes });
      if (reading) {
        const at = reading.plan.firstValidTimestamp.slice(11, 16);
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-plan-read.status.plan", { at, slot: reading.slotIndex, devices: reading.plan.devices.length }) });
        return { payload: reading.plan, age: { ms: reading.ageMs, slotIndex: reading.slotIndex }, resultType: reading.resultType };
      }
      node.status({ fill: "yellow", shape: "ring", text: RED._("elfe-plan-read.status.none") });
      return { payload: null, age: null };
    };

    if (problem) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-plan-read.status.noConfig") });
      node.error(problem);
    } else if (config.listen && !(database instanceof Error)) {
      // Pushed on every commit; after an outage (reported once), subscribed again and read at once.
      stopListening = keepListening(
        () => database.coordination(),
        () => {
          read().then(
            (out) => node.send({ topic: "plan", ...out }),
            (err: unknown) => node.error(asError(err), { topic: "plan" }), // a msg, so that Catch gets it
          );
        },
        {
          onError: (err, attempt) => {
            if (attempt > 1) return;
            node.status({ fill: "red", shape: "ring", text: RED._("elfe-plan-read.status.listenLost") });
            node.error(new Error(`listening for new plans: ${err.message}; trying again`), { topic: "plan" });
          },
        },
      );
    }

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      try {
        send({ ...msg, ...(await read()) });
        done();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-plan-read.status.error") });
        done(asError(err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      const stop = stopListening;
      stopListening = undefined;
      node.status({});
      (stop ? stop() : Promise.resolve()).then(
        () => done(),
        () => done(),
      );
    });
  }
  RED.nodes.registerType("elfe-plan-read", ElfePlanRead);
}
