// The ELFI screen (openHASP): draws a household's devices and plan on its plate, and turns what
// people touch into flexibility declarations and mode switches. Redraws when the plate comes back.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { applyScreenEvent, drawScreen, parseScreenMessage, screenViewOf, type ScreenOptions } from "../../lib/devices/openhasp";
import { validatePlan, type ScreenView } from "../../lib/types";
import { asError, errorStatus, territoryOf } from "../node-helpers";
import { mqttOut } from "../translator-node";
import * as clock from "../../lib/time/clock";

interface OpenHaspDef extends NodeDef {
  territory: string;
  base: string;
}

export default function register(RED: NodeAPI): void {
  function ElfeOpenHasp(this: Node, config: OpenHaspDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const found = territoryOf(RED, config.territory);
    if (found instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-openhasp.status.noTerritory") });
      node.error(found);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(found));
      return;
    }
    const options: ScreenOptions = { base: config.base?.trim() || "hasp", zone: found.zone, stepMinutes: found.stepMinutes };
    const views = new Map<string, ScreenView>();
    const say = (fill: "green" | "blue" | "grey", key: string, screen: string) => node.status({ fill, shape: "dot", text: RED._(`elfe-openhasp.status.${key}`, { screen }) });

    node.on("input", (msg: NodeMessageInFlow, send, done) => {
      try {
        const screen = typeof msg.topic === "string" ? parseScreenMessage({ topic: msg.topic, payload: msg.payload }, options.base) : null;
        if (!screen) {
          if (typeof msg.topic === "string" && msg.topic.startsWith(`${options.base}/`)) return done(); // idle, sensors …
          const plan = (msg as { plan?: unknown }).plan;
          const view = screenViewOf(msg.payload, plan === undefined ? undefined : validatePlan.parse(plan));
          const first = !views.has(view.node);
          views.set(view.node, view);
          send([drawScreen(view, options, first).map(mqttOut), null, null]);
          say("blue", "drawn", view.node);
          return done();
        }
        const view = views.get(screen.node);
        const at = new Date(clock.now()).toISOString();
        if (screen.kind === "lwt") {
          const action: NodeMessage = { topic: screen.node, payload: { event: screen.online ? "online" : "offline", screen: screen.node, at } };
          // The plate rebooted with only its pages.jsonl: draw everything again.
          const redraw = screen.online && view ? drawScreen(view, options, true).map(mqttOut) : null;
          send([redraw, null, action]);
          say(screen.online ? "green" : "grey", screen.online ? "online" : "offline", screen.node);
          return done();
        }
        if (!view) {
          say("grey", "unknown", screen.node);
          return done();
        }
        const outcome = applyScreenEvent(view, screen, clock.now(), options);
        views.set(screen.node, outcome.view);
        send([
          outcome.redraw ? drawScreen(outcome.view, options, false).map(mqttOut) : null,
          outcome.flex ? { topic: outcome.flex.deviceId, payload: outcome.flex } : null,
          outcome.actions.map((a) => ({ topic: screen.node, payload: a })),
        ]);
        say("green", "event", screen.node);
        done();
      } catch (err) {
        const e = asError(err);
        node.status(errorStatus(e));
        done(e);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      views.clear();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-openhasp", ElfeOpenHasp);
}
