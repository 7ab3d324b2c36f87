// Config node: the territory's name, time zone, slot length, horizon and location.
import type { Node, NodeAPI, NodeDef } from "node-red";
import { parseTerritory } from "../../lib/territory";
import type { TerritoryConfigNode } from "../node-helpers";

interface TerritoryDef extends NodeDef {
  zone: string;
  stepMinutes: string | number;
  horizonSlots: string | number;
  latitude: string | number;
  longitude: string | number;
}

export default function register(RED: NodeAPI): void {
  function ElfeTerritory(this: TerritoryConfigNode, config: TerritoryDef) {
    RED.nodes.createNode(this as Node, config);
    try {
      this.territory = parseTerritory({ ...config });
    } catch (err) {
      this.configError = (err as Error).message;
      this.error(RED._("elfe-territory.errors.invalid", { error: this.configError }));
    }
  }
  RED.nodes.registerType("elfe-territory", ElfeTerritory);
}
