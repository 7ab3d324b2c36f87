// Reads a Campbell Scientific datalogger table (DataQuery, JSON) and sends a SlotSeries on the
// territory's grid, or the latest value as a Reading; irradiance becomes PV power when a peak
// power is set.
import type { Node, NodeAPI, NodeCredentials, NodeDef, NodeMessageInFlow } from "node-red";
import { DateTime } from "luxon";
import { latestReading, queryCampbell, tableToSeries, type DataQueryMode, type PvConversion } from "../../lib/sources/campbell";
import { gridOf } from "../../lib/territory";
import { toMillis } from "../../lib/time";
import { validateReading, validateSlotSeries } from "../../lib/types";
import { errorStatus, territoryOf, timeoutMs } from "../node-helpers";
import * as clock from "../../lib/time/clock";

interface CampbellDef extends NodeDef {
  territory: string;
  url: string;
  table: string;
  field: string;
  mode: string;
  records: string | number;
  hours: string | number;
  loggerZone: string;
  output: string;
  peakW: string | number;
  performanceRatio: string | number;
  deviceId: string;
  timeout: string | number;
}

interface CampbellCredentials {
  user?: string;
  password?: string;
}

const MODES: DataQueryMode[] = ["most-recent", "since-time", "date-range"];

export default function register(RED: NodeAPI): void {
  function ElfeCampbellRead(this: Node<CampbellCredentials>, config: CampbellDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const mode: DataQueryMode = MODES.includes(config.mode as DataQueryMode) ? (config.mode as DataQueryMode) : "most-recent";
    const peakW = Number(config.peakW);
    const pr = config.performanceRatio === "" || config.performanceRatio === undefined ? 0.8 : Number(config.performanceRatio);
    const pv: PvConversion | undefined = peakW > 0 && pr > 0 ? { peakW, performanceRatio: pr } : undefined;
    const asReading = config.output === "reading";
    const hours = Number(config.hours) > 0 ? Number(config.hours) : 24;

    node.on("input", async (msg: NodeMessageInFlow, send, done) => {
      try {
        const m = msg as NodeMessageInFlow & { since?: unknown; until?: unknown };
        const instant = (v: unknown, fallback: number) => (typeof v === "string" || typeof v === "number" ? toMillis(v) : fallback);
        const now = clock.now();
        node.status({ fill: "blue", shape: "dot", text: RED._("elfe-campbell-read.status.reading") });
        const table = await queryCampbell(
          {
            baseUrl: config.url,
            table: config.table,
            field: config.field || undefined,
            mode,
            records: Number(config.records) || 1,
            since: instant(m.since, now - hours * 3_600_000),
            until: instant(m.until, now),
            loggerZone: config.loggerZone || "UTC",
          },
          { timeoutMs: timeoutMs(config.timeout, 10), auth: node.credentials?.user ? { user: node.credentials.user, password: node.credentials.password ?? "" } : undefined },
        );
        const out = m as NodeMessageInFlow & { campbell?: unknown };
        out.campbell = { station: table.station, table: table.table, fields: table.fields, records: table.records.length };
        if (asReading) {
          out.payload = validateReading.parse(latestReading(table, config.deviceId || config.field || config.table, { field: config.field || undefined, pv }));
        } else {
          const territory = territoryOf(RED, config.territory);
          if (territory instanceof Error) throw territory;
          out.payload = validateSlotSeries.parse(tableToSeries(gridOf(territory), table, { field: config.field || undefined, pv }));
        }
        const last = table.records[table.records.length - 1];
        node.status({
          fill: "green",
          shape: "dot",
          text: last ? RED._("elfe-campbell-read.status.read", { count: table.records.length, time: DateTime.fromISO(last.time).toFormat("dd/MM HH:mm") }) : RED._("elfe-campbell-read.status.empty"),
        });
        send(out);
        done();
      } catch (err) {
        node.status(errorStatus(err));
        done(err as Error);
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      node.status({});
      done();
    });
  }
  const credentials: NodeCredentials<CampbellCredentials> = { user: { type: "text" }, password: { type: "password" } };
  RED.nodes.registerType("elfe-campbell-read", ElfeCampbellRead, { credentials });
}
