// The few things every ELFE runtime node does the same way: find its territory, report errors,
// and run timer callbacks that never throw into the runtime.
import type { Node, NodeAPI } from "node-red";
import type { Territory } from "../lib/territory";

export interface TerritoryConfigNode extends Node {
  territory?: Territory;
  configError?: string;
}

export type StatusFill = "red" | "green" | "yellow" | "blue" | "grey";

/** The territory a node refers to, or an Error saying why there is none. */
export function territoryOf(RED: NodeAPI, id: string | undefined): Territory | Error {
  const config = id ? (RED.nodes.getNode(id) as TerritoryConfigNode | null) : null;
  if (!config) return new Error("no territory configured: pick an elfe-territory in the node's settings");
  if (!config.territory) return new Error(`territory "${config.name ?? id}" is invalid: ${config.configError ?? "unknown error"}`);
  return config.territory;
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * setTimeout on the nodes' clock (`ms` shortened when the demo's clock runs faster), whose
 * callback errors go to node.error and a red status instead of the runtime.
 */
export function safeTimeout(node: Node, ms: number, fn: () => void | Promise<void>): NodeJS.Timeout {
  return setTimeout(() => {
    Promise.resolve()
      .then(fn)
      .catch((err: unknown) => {
        const e = asError(err);
        node.error(e);
        node.status(errorStatus(e));
      });
  }, realDelay(ms));
}

// ---- coordination database (elfe-database config node) ----
import type { Coordination } from "../lib/coordination/connection";
import { realDelay } from "../lib/time/clock";

export interface DatabaseConfigNode extends Node {
  /** The open database (migrated when the node says so); rejects with the reason it could not open. */
  coordination(): Promise<Coordination>;
}

/** The elfe-database a node refers to, or an Error saying why there is none. */
export function databaseOf(RED: NodeAPI, id: string | undefined): DatabaseConfigNode | Error {
  const config = id ? (RED.nodes.getNode(id) as DatabaseConfigNode | null) : null;
  if (!config || typeof config.coordination !== "function") return new Error("no database configured: pick an elfe-database in the node's settings");
  return config;
}

/** Seconds from a dialog field → milliseconds, with a default and sane bounds (1 s … 10 min). */
export function timeoutMs(value: unknown, fallbackSeconds = 10): number {
  const n = Number(value);
  const s = Number.isFinite(n) && n > 0 ? n : fallbackSeconds;
  return Math.min(600, Math.max(0.1, s)) * 1000;
}

/** A short status text for an error (first 60 characters). */
export function errorStatus(err: unknown): { fill: StatusFill; shape: "ring"; text: string } {
  return { fill: "red", shape: "ring", text: asError(err).message.slice(0, 60) };
}
