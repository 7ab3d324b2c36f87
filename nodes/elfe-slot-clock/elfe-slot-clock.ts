// Emits the territory's slot grid at every slot boundary (or `lead` seconds before it, like
// ELFE's EMS that runs 30 s before each quarter), and on demand when a message arrives.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { gridOf, slotTick, type Territory } from "../../lib/territory";
import { safeTimeout, territoryOf } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface SlotClockDef extends NodeDef {
  territory: string;
  leadSeconds: string | number;
  emitOnStart: boolean;
  topic: string;
}

export default function register(RED: NodeAPI): void {
  function ElfeSlotClock(this: Node, config: SlotClockDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const found = territoryOf(RED, config.territory);
    const leadMs = Math.max(0, Number(config.leadSeconds) || 0) * 1000;
    let timer: NodeJS.Timeout | undefined;
    let startupTimer: NodeJS.Timeout | undefined;

    if (found instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-slot-clock.status.noTerritory") });
      node.error(found);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(found));
      return;
    }
    const territory: Territory = found;
    const grid = gridOf(territory);

    /** The tick for the slot that starts at the coming boundary when fired `lead` early. */
    const tickNow = () => slotTick(territory, clock.now() + leadMs);

    const showStatus = (slotOfDay: number, slotsInDay: number, start: string) => {
      const time = grid.at(start).toFormat("HH:mm");
      node.status({ fill: "green", shape: "dot", text: RED._("elfe-slot-clock.status.slot", { time, index: slotOfDay, count: slotsInDay }) });
    };

    const emit = () => {
      const tick = tickNow();
      showStatus(tick.slotOfDay, tick.slotsInDay, tick.slotStart);
      node.send({ topic: config.topic || territory.name, payload: tick });
    };

    const schedule = () => {
      // Recomputed from the clock each time, so timers never drift across a day or a DST change.
      const now = clock.now();
      const delay = grid.msUntilNextSlot(now + leadMs);
      timer = safeTimeout(node, Math.max(1, delay), () => {
        emit();
        schedule();
      });
    };

    node.on("input", (msg: NodeMessageInFlow, send, done) => {
      try {
        const tick = tickNow();
        showStatus(tick.slotOfDay, tick.slotsInDay, tick.slotStart);
        send({ ...msg, topic: config.topic || msg.topic || territory.name, payload: tick });
        done();
      } catch (err) {
        done(err as Error);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearTimeout(timer);
      clearTimeout(startupTimer);
      node.status({});
      done();
    });

    node.status({ fill: "grey", shape: "ring", text: RED._("elfe-slot-clock.status.waiting") });
    if (config.emitOnStart) startupTimer = safeTimeout(node, 100, emit);
    schedule();
  }
  RED.nodes.registerType("elfe-slot-clock", ElfeSlotClock);
}
