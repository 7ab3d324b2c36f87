// Writes the Plan in msg.payload into ELFE's output tables in one transaction (result rows, run
// info, both curves). Re-publishing a round replaces it; a failure leaves the previous plan.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { publishPlan } from "../../lib/coordination/publish";
import type { Plan } from "../../lib/types";
import { asError, databaseOf } from "../node-helpers";

interface PlanPublishDef extends NodeDef {
  database: string;
  resultType: string | number;
}

export default function register(RED: NodeAPI): void {
  function ElfePlanPublish(this: Node, config: PlanPublishDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const database = databaseOf(RED, config.database);
    const resultType = Number(config.resultType ?? 0);
    if (database instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-plan-publish.status.noConfig") });
      node.error(database);
    }

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      if (database instanceof Error) {
        done(database);
        return;
      }
      try {
        if (!Number.isInteger(resultType)) throw new RangeError(RED._("elfe-plan-publish.errors.resultType"));
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-plan-publish.status.publishing") });
        const coordination = await database.coordination();
        const report = await publishPlan(coordination.db, msg.payload, { resultType }); // validates the Plan
        coordination.announce({ schema: coordination.db.schema ?? null, firstValidTimestamp: report.firstValidTimestamp, resultType });
        node.status({
          fill: "green",
          shape: "dot",
          text: RED._("elfe-plan-publish.status.published", { devices: report.rows, at: (msg.payload as Plan).firstValidTimestamp.slice(11, 16), ms: report.ms }),
        });
        send({ ...msg, published: report });
        done();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-plan-publish.status.error") });
        done(asError(err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-plan-publish", ElfePlanPublish);
}
