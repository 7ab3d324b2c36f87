// Learns a machine's consumption cycle from its power curve (ELFE's machine_cycle_learner) and
// publishes a robust profile of its last cycles, ready for a machine FlexRequest's profileW.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { cycleProfile, detectCycles, mergeCycles, powerSamples, type LearnedCycle } from "../../lib/learning";
import { toMillis } from "../../lib/time";
import type { LearnedProfile } from "../../lib/types";
import { asError, territoryOf } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface CycleLearnerDef extends NodeDef {
  territory: string;
  deviceId: string;
  thresholdStartW: string | number;
  thresholdEndW: string | number;
  periodSeconds: string | number;
  periodCount: string | number;
  keep: string | number;
  profile: string;
  windowHours: string | number;
}

type LearnerMsg = NodeMessageInFlow & { deviceId?: unknown };

function num(v: string | number | undefined, fallback: number): number {
  return v === undefined || String(v).trim() === "" ? fallback : Number(v);
}

export default function register(RED: NodeAPI): void {
  function ElfeCycleLearner(this: Node, config: CycleLearnerDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const found = territoryOf(RED, config.territory);
    if (found instanceof Error) {
      node.status({ fill: "red", shape: "ring", text: RED._("elfe-cycle-learner.status.noTerritory") });
      node.error(found);
      node.on("input", (_msg: NodeMessageInFlow, _send, done) => done(found));
      return;
    }
    const territory = found;
    const settings = {
      thresholdStartW: num(config.thresholdStartW, 40),
      thresholdEndW: num(config.thresholdEndW, 40),
      periodSeconds: num(config.periodSeconds, 900),
      periodCount: num(config.periodCount, 1),
      stepMinutes: territory.stepMinutes,
      zone: territory.zone,
    };
    const keep = Math.max(1, Math.round(num(config.keep, 5)));
    const windowHours = num(config.windowHours, 72);
    const method = config.profile === "latest" ? "latest" : "median";

    node.on("input", (msg: LearnerMsg, send, done) => {
      try {
        const deviceId = (config.deviceId || (typeof msg.deviceId === "string" ? msg.deviceId : "") || (typeof msg.topic === "string" ? msg.topic : "")).trim();
        if (!deviceId) throw new Error("no device id: set it in the node or send msg.deviceId (or msg.topic)");
        let samples = powerSamples(msg.payload);
        if (samples.length > 0 && windowHours > 0) {
          const last = samples.reduce((m, s) => Math.max(m, toMillis(s.ts)), Number.NEGATIVE_INFINITY);
          samples = samples.filter((s) => toMillis(s.ts) >= last - windowHours * 3_600_000);
        }
        const detection = detectCycles(samples, settings);
        const context = node.context();
        const kept = (context.get(`cycles:${deviceId}`) as LearnedCycle[] | undefined) ?? [];
        const cycles = mergeCycles(kept, detection.cycles, keep);
        if (cycles.length > 0) context.set(`cycles:${deviceId}`, cycles);
        const profile = cycleProfile(cycles, territory.stepMinutes, method);
        if (!profile) {
          const since = detection.inProgressSince;
          node.status({
            fill: "yellow",
            shape: "ring",
            text: since ? RED._("elfe-cycle-learner.status.running", { since: since.slice(11, 16) }) : RED._("elfe-cycle-learner.status.noCycle"),
          });
          done();
          return;
        }
        const payload: LearnedProfile = { deviceId, ...profile, learnedAt: new Date(clock.now()).toISOString() };
        node.status({
          fill: "green",
          shape: "dot",
          text: RED._("elfe-cycle-learner.status.learned", {
            count: profile.cycleCount,
            minutes: Math.round(profile.durationMinutes),
            kwh: (profile.energyWh / 1000).toFixed(2),
          }),
        });
        send(Object.assign(msg, { payload, topic: msg.topic || deviceId, cycles: { found: detection, kept: cycles } }));
        done();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("elfe-cycle-learner.status.error") });
        done(asError(err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("elfe-cycle-learner", ElfeCycleLearner);
}
