// Campbell DataQuery answers, through to a SlotSeries and a Reading. Typed error: SourceError.
import { latestReading, parseDataQuery, tableToSeries } from "../../../lib/sources/campbell";
import { SourceError } from "../../../lib/sources/errors";
import { SlotGrid } from "../../../lib/time";
import { typedError, type FuzzTarget } from "../harness";

const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
const head = (units: string) => ({
  transaction: 0,
  signature: 21907,
  environment: { station_name: "G2E_Meteo", table_name: "_01_Hour", model: "CR1000X", serial_no: "4123" },
  fields: [{ name: "Ray_Global_RSR2_Avg", type: "xsd:float", units, process: "Avg", settable: false }],
});
const answer = (units: string, rows: [string, number, unknown][], more = false) => JSON.stringify({ head: head(units), data: rows.map(([time, no, v]) => ({ time, no, vals: [v] })), more });

export const campbellTargets: FuzzTarget[] = [
  {
    name: "campbell: parseDataQuery → tableToSeries, latestReading",
    samples: [
      answer("W/m^2", [["2024-05-02T11:00:00", 40211, 612.4], ["2024-05-02T12:00:00", 40212, 705.9], ["2024-05-02T13:00:00", 40213, "NAN"]]),
      answer("kW", [["2024-05-02 11:15:00", 1, 2.5], ["2024-05-02 11:30:00", 2, 2.75]], true),
      answer("W", [["2024-05-02T11:00:00", 7, 120]]),
    ],
    run: (input) => {
      const table = parseDataQuery(input as string, "Etc/GMT-1");
      const pv = { peakW: 3000, performanceRatio: 0.8 };
      const series = tableToSeries(grid, table, { pv });
      let reading;
      try {
        reading = latestReading(table, "pv", { pv });
      } catch (err) {
        if (!(err instanceof SourceError)) throw err;
      }
      return { table, series, reading };
    },
    typed: typedError(SourceError),
    // A year of records (the longest span tableToSeries accepts) costs seconds of slot arithmetic.
    maxMs: 15_000,
  },
];
