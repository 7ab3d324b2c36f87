// Electricity prices by local time of day: a base price, optional cheaper windows (off-peak),
// and a price for energy returned to the grid.
import type { DateTime } from "luxon";

export interface TariffWindow {
  /** Local wall-clock "HH:mm"; a window may wrap past midnight ("22:00"–"06:00"). */
  start: string;
  end: string;
  pricePerKWh: number;
}

export interface Tariff {
  pricePerKWh: number;
  windows?: TariffWindow[];
  exportPricePerKWh?: number;
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) throw new RangeError(`not a time of day (HH:mm): ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Throws a RangeError naming the bad field. */
export function checkTariff(tariff: Tariff): Tariff {
  const price = (v: unknown, field: string) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${field} must be a number, got ${JSON.stringify(v)}`);
  };
  price(tariff.pricePerKWh, "pricePerKWh");
  if (tariff.exportPricePerKWh !== undefined) price(tariff.exportPricePerKWh, "exportPricePerKWh");
  (tariff.windows ?? []).forEach((w, i) => {
    minutesOf(w.start);
    minutesOf(w.end);
    price(w.pricePerKWh, `windows[${i}].pricePerKWh`);
  });
  return tariff;
}

/** Import price at a local time: the first window containing it, else the base price. */
export function importPriceAt(tariff: Tariff, local: DateTime): number {
  const minute = local.hour * 60 + local.minute;
  for (const w of tariff.windows ?? []) {
    const a = minutesOf(w.start);
    const b = minutesOf(w.end);
    const inside = a <= b ? minute >= a && minute < b : minute >= a || minute < b;
    if (inside) return w.pricePerKWh;
  }
  return tariff.pricePerKWh;
}
