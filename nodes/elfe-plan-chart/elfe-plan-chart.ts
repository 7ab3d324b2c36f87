// Shows the plans it receives as a chart: in the editor's "Energy plan" sidebar tab, and on a
// page served by Node-RED at <httpNodeRoot>/elfe/plan for people without editor access.
import { join } from "node:path";
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import type { Request, Response } from "express";
import { planView, type PlanView } from "../../lib/indicators/plan-view";
import { validatePlan } from "../../lib/types";
import { asError, territoryOf } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface PlanChartDef extends NodeDef {
  territory: string;
  onPage: boolean;
}

interface Shown {
  name: string;
  onPage: boolean;
  view: PlanView;
  receivedAt: string;
}

/** Browser files served to the editor and the page; nothing else is readable through the route. */
const ASSETS: Record<string, { file: string; type: string }> = {
  "uPlot.iife.min.js": { file: require.resolve("uplot/dist/uPlot.iife.min.js"), type: "application/javascript" },
  "uPlot.min.css": { file: require.resolve("uplot/dist/uPlot.min.css"), type: "text/css" },
  "plan-chart.js": { file: join(__dirname, "assets", "plan-chart.js"), type: "application/javascript" },
  "plan-chart.css": { file: join(__dirname, "assets", "plan-chart.css"), type: "text/css" },
};

export default function register(RED: NodeAPI): void {
  const shown = new Map<string, Shown>();
  const list = (pageOnly: boolean) =>
    [...shown.entries()].filter(([, s]) => !pageOnly || s.onPage).map(([id, s]) => ({ id, name: s.name, receivedAt: s.receivedAt, view: s.view }));
  const sendAsset = (req: Request, res: Response) => {
    const asset = ASSETS[String(req.params.file)];
    if (!asset) return void res.sendStatus(404);
    res.type(asset.type).sendFile(asset.file);
  };

  const read = RED.auth.needsPermission("elfe-plan-chart.read");
  RED.httpAdmin.get("/elfe/plans", read, (_req, res) => void res.json(list(false)));
  RED.httpAdmin.get("/elfe/assets/:file", read, sendAsset);
  RED.httpNode.get("/elfe/plan", (_req, res) => void res.type("text/html").sendFile(join(__dirname, "assets", "page.html")));
  RED.httpNode.get("/elfe/plan/data", (_req, res) => void res.json(list(true)));
  RED.httpNode.get("/elfe/plan/assets/:file", sendAsset);

  function ElfePlanChart(this: Node, config: PlanChartDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const territory = territoryOf(RED, config.territory);
    if (territory instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-plan-chart.status.noTerritory") });
      node.error(territory);
    }

    node.on("input", (msg: NodeMessageInFlow, _send, done) => {
      try {
        if (territory instanceof Error) throw territory;
        const plan = validatePlan.parse(msg.payload);
        const view = planView(plan, territory.zone);
        shown.set(node.id, { name: node.name || plan.territory, onPage: config.onPage !== false, view, receivedAt: new Date(clock.now()).toISOString() });
        RED.comms.publish("elfe-plan/update", { id: node.id }, false);
        node.status({ fill: "green", shape: "dot", text: RED._("elfe-plan-chart.status.shown", { count: plan.devices.length, start: view.labels[0] ?? "" }) });
        done();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-plan-chart.status.badPlan") });
        done(asError(err));
      }
    });

    node.on("close", (removed: boolean, done: () => void) => {
      if (removed) shown.delete(node.id);
      done();
    });
  }
  RED.nodes.registerType("elfe-plan-chart", ElfePlanChart);
}
