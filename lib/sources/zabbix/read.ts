// Zabbix items -> one SlotSeries per item on the territory's grid (history for short windows,
// hourly trends for long ones), and optionally their signed sum (e.g. production − consumption).
import { resamplePreviousColumns, SampleColumns } from "../../time/resample-columns";
import { SlotGrid, toMillis, type Instant } from "../../time/grid";
import type { DateTime } from "luxon";
import type { SlotSeries } from "../../types";
import { forEachHistoryPage, forEachTrendPage, getItems, type ItemSelection, type ZabbixItem } from "./api";
import type { ZabbixClient } from "./client";

/**
 * The territory's grid whose slot starts are computed once per window: every item of a read
 * resamples onto the same slots, and luxon arithmetic per item would dominate the run time.
 */
class WindowGrid extends SlotGrid {
  private memo = new Map<string, DateTime[]>();

  constructor(grid: SlotGrid) {
    super({ zone: grid.zone, stepMinutes: grid.stepMinutes });
  }

  override starts(from: Instant, count: number): DateTime[] {
    const key = `${toMillis(from)}/${count}`;
    let starts = this.memo.get(key);
    if (!starts) {
      starts = super.starts(from, count);
      this.memo.set(key, starts);
    }
    return starts.slice();
  }
}

export interface ItemSeries {
  itemid: string;
  host: string;
  key: string;
  name: string;
  series: SlotSeries;
  /** Slots without a value. */
  gapSlots: number;
  /** Values the server sent that are not numbers (left out, so their slots may be gaps). */
  invalidValues: number;
}

export interface ReadOptions {
  /** First slot (floored to the grid) and number of slots. */
  start: number | string;
  count: number;
  /** "auto": history up to `historyMaxHours`, trends beyond. */
  source?: "auto" | "history" | "trend";
  historyMaxHours?: number;
  /** Items fetched per request batch (default: as many as keep ~250 000 samples in memory, at most 500). */
  batchSize?: number;
  pageSize?: number;
  /** Requests in flight at once (default 2: the server prepares one answer while the client reads another). */
  concurrency?: number;
  /** Refuse selections bigger than this (default 20 000 items). */
  maxItems?: number;
  /** Keys (`*` wildcard) of the items whose sign is reversed in the sum (e.g. consumption meters). */
  subtractKeys?: string;
  /** Build the sum of all items. */
  sum?: boolean;
  quantity?: string;
}

export interface ReadResult {
  items: ItemSeries[];
  sum?: SlotSeries;
  source: "history" | "trend";
  /** Items left out because they are not numeric (value types other than 0 and 3). */
  skippedItems: ZabbixItem[];
  gapSlots: number;
  invalidValues: number;
}

export function wildcard(pattern: string): RegExp {
  const parts = pattern.split(",").map((p) => p.trim()).filter(Boolean);
  const body = parts.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")).join("|");
  return new RegExp(`^(?:${body || "(?!)"})$`);
}

function nullCount(values: (number | null)[]): number {
  let n = 0;
  for (const v of values) if (v === null) n++;
  return n;
}

export async function readItemSeries(client: ZabbixClient, territoryGrid: SlotGrid, selection: ItemSelection, options: ReadOptions): Promise<ReadResult> {
  const grid = new WindowGrid(territoryGrid);
  if (!selection.itemids?.length && !selection.group && !selection.host && !selection.keyPattern && !selection.tags?.length) {
    throw new RangeError("select items by id, host group, host, key pattern or tag: an empty selection would read every item");
  }
  const starts = grid.starts(options.start, options.count + 1);
  const fromMs = starts[0].toMillis();
  const tillMs = starts[starts.length - 1].toMillis();
  const hours = (tillMs - fromMs) / 3_600_000;
  const source = options.source === "history" || options.source === "trend" ? options.source : hours <= (options.historyMaxHours ?? 48) ? "history" : "trend";

  const all = await getItems(client, selection);
  const maxItems = options.maxItems ?? 20_000;
  if (all.length > maxItems) throw new RangeError(`${all.length} items match the selection, more than the limit of ${maxItems}`);
  const items = all.filter((i) => i.valueType === 0 || i.valueType === 3);
  const skippedItems = all.filter((i) => i.valueType !== 0 && i.valueType !== 3);

  // A sample before the window lets the first slot be covered: ask a little earlier.
  const leadS = source === "trend" ? 3600 : grid.stepMinutes * 60;
  const timeFrom = Math.floor(fromMs / 1000) - leadS;
  const timeTill = Math.ceil(tillMs / 1000);
  // Bound the samples held at once (~250 000 per batch in flight, assuming one value a minute for
  // history, one an hour for trends) so that thousands of items over days keep a small memory.
  const perItem = Math.max(1, Math.ceil((timeTill - timeFrom) / (source === "trend" ? 3600 : 60)));
  const batchSize = options.batchSize ?? Math.max(1, Math.min(500, Math.floor(250_000 / perItem)));

  // Slot bounds once for the whole read: every item resamples onto the same slots.
  const bounds = starts.map((d) => d.toMillis());
  const maxGapMs = (source === "trend" ? 61 : 2 * grid.stepMinutes) * 60_000;
  const seriesStart = grid.iso(fromMs);

  // `columns`: the worker's sample columns, emptied and used again for each of its batches
  // (megabytes a batch that would otherwise be allocated, zeroed and collected each time).
  const readBatch = async (batch: ZabbixItem[], columns: SampleColumns[]): Promise<ItemSeries[]> => {
    const done: ItemSeries[] = [];
    while (columns.length < batch.length) columns.push(new SampleColumns(perItem + 1));
    const samples = columns.slice(0, batch.length);
    for (const s of samples) s.n = 0;
    const invalid = new Array<number>(batch.length).fill(0);
    if (source === "history") {
      for (const valueType of [0, 3]) {
        const positions = batch.map((it, k) => (it.valueType === valueType ? k : -1)).filter((k) => k >= 0);
        if (!positions.length) continue;
        await forEachHistoryPage(client, positions.map((k) => batch[k].itemid), valueType, timeFrom, timeTill, (page) => {
          const { n, item, clock, ns, value } = page; // columns in locals: ten million rows go through here
          for (let r = 0; r < n; r++) {
            const at = item[r];
            if (at < 0) continue; // a row for an item we did not ask for, or a page boundary's repeat
            const k = positions[at];
            const v = value[r];
            if (!Number.isFinite(v)) invalid[k]++;
            else samples[k].push(ns[r] === 0 ? clock[r] * 1000 : clock[r] * 1000 + Math.floor(ns[r] / 1e6), v);
          }
        }, { pageSize: options.pageSize });
      }
    } else {
      const position = new Map(batch.map((it, k) => [it.itemid, k]));
      await forEachTrendPage(client, batch.map((it) => it.itemid), timeFrom, timeTill, (points) => {
        for (const p of points) {
          const k = position.get(p.itemid);
          if (k === undefined) continue; // a row for an item we did not ask for
          if (!Number.isFinite(p.avg)) {
            invalid[k]++;
            continue;
          }
          samples[k].push(p.clock * 1000, p.avg);
          // The hourly average holds for the whole hour: close it so the next hour's gap stays a gap.
          samples[k].push(p.clock * 1000 + 3_600_000 - 1, p.avg);
        }
      }, { pageSize: options.pageSize });
    }
    batch.forEach((it, k) => {
      const values = resamplePreviousColumns(bounds, samples[k], { maxGapMs });
      const series: SlotSeries = { start: seriesStart, stepMinutes: grid.stepMinutes, values, unit: it.units || "W", quantity: it.key };
      done.push({ itemid: it.itemid, host: it.host, key: it.key, name: it.name, series, gapSlots: nullCount(values), invalidValues: invalid[k] });
    });
    return done;
  };

  // A few batches in flight: the server prepares one answer while we read another.
  const batches: ZabbixItem[][] = [];
  for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize));
  const results: ItemSeries[][] = new Array<ItemSeries[]>(batches.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    const columns: SampleColumns[] = [];
    while (!failed && next < batches.length) {
      const at = next++;
      try {
        results[at] = await readBatch(batches[at], columns);
      } catch (err) {
        failed = true; // the other workers stop after their current batch
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, batches.length)) }, worker));
  const out = results.flat();

  let sum: SlotSeries | undefined;
  if (options.sum) {
    const minus = options.subtractKeys ? wildcard(options.subtractKeys) : undefined;
    const values: (number | null)[] = [];
    for (let s = 0; s < options.count; s++) {
      let total: number | null = out.length ? 0 : null;
      for (const it of out) {
        const v = it.series.values[s];
        if (v === null || total === null) {
          total = null;
          break;
        }
        total += minus?.test(it.key) ? -v : v;
      }
      values.push(total);
    }
    sum = { start: grid.iso(fromMs), stepMinutes: grid.stepMinutes, values, unit: out[0]?.series.unit ?? "W", quantity: options.quantity || (minus ? "balance" : "sum") };
  }
  const gapSlots = sum ? nullCount(sum.values) : out.reduce((n, it) => n + it.gapSlots, 0);
  return { items: out, sum, source, skippedItems, gapSlots, invalidValues: out.reduce((n, it) => n + it.invalidValues, 0) };
}
