// The ELFI screen (openHASP, ELFE type 711). Drawing: one page per kind of appliance (2 dishwasher,
// 3 washer, 4 dryer, 5 EV, 6 hot-water tank, 7 heating), a summary page 8 (one LED per page and the
// territory balance) and a connection page 9, sent as jsonl on `hasp/<node>/command/jsonl`.
// Events `hasp/<node>/state/p<page>b<id>` become flexibility declarations or mode switches;
// `hasp/<node>/LWT` online means the plate rebooted and lost every dynamic object: redraw it.
import { DateTime } from "luxon";
import { z } from "zod";
import { validateFlexRequest, type FlexRequest, type Plan, type MqttInbound, type MqttMessage, type ScreenAction, type ScreenDevice, type ScreenView } from "../types";
import { DeviceMessageError, jsonOf, lastWillOf, levelsAfter, numberOf, topicLevel, unsafeForTopic } from "./parse";
import { publish } from "./translator";

export const PAGE_OF_TYPE: Readonly<Record<number, number>> = { 111: 2, 112: 3, 113: 4, 221: 5, 131: 6, 151: 7, 155: 7 };
export const SUMMARY_PAGE = 8;
export const CONNECTION_PAGE = 9;
/** Object ids on the device pages (reference §4), plus ours: 11 next start, 12 "start now", 20 balance. */
export const OBJ = { title: 1, mode: 3, cycleHours: 5, cycleQuarter: 6, deadlineHour: 8, deadlineQuarter: 9, charge: 8, led: 10, nextStart: 11, startNow: 12, connected: 8, balance: 20 } as const;
const MACHINE_PAGES = [2, 3, 4];
const EV_PAGE = 5;
const GREEN = "#00FF00";
const RED = "#FF0000";
const MAX_PAYLOAD = 1800; // openHASP's MQTT buffer is 2 kB

export interface ScreenOptions {
  base?: string;
  zone: string;
  stepMinutes: number;
}

type Line = Record<string, string | number | boolean>;

const pad = (n: number) => String(n).padStart(2, "0");
const range = (n: number, label: (i: number) => string) => Array.from({ length: n }, (_, i) => label(i)).join("\n");

/** The device a page shows: the household's first one whose type belongs to that page. */
export function deviceOnPage(view: ScreenView, page: number): ScreenDevice | undefined {
  return view.devices.find((d) => PAGE_OF_TYPE[d.elfeType] === page);
}

function pageLines(device: ScreenDevice, page: number, zone: string, full: boolean): Line[] {
  const piloted = device.mode === 30;
  const local = (iso: string | undefined) => (iso ? DateTime.fromISO(iso, { zone }) : undefined);
  const lines: Line[] = [];
  const add = (id: number, values: Line, create?: Line) => lines.push({ page, id, ...(full && create ? create : {}), ...values });
  add(OBJ.title, { text: device.name ?? device.deviceId }, { obj: "label", x: 10, y: 5, w: 300, h: 30 });
  add(OBJ.led, { bg_color: piloted ? GREEN : RED }, { obj: "led", x: 270, y: 45, w: 30, h: 30 });
  if (MACHINE_PAGES.includes(page)) {
    const end = local(device.latestEnd);
    const cycle = device.cycleMinutes ?? 0;
    add(OBJ.deadlineHour, { val: end?.hour ?? 0 }, { obj: "dropdown", x: 10, y: 90, w: 90, h: 40, options: range(24, pad) });
    add(OBJ.deadlineQuarter, { val: end ? Math.floor(end.minute / 15) : 0 }, { obj: "dropdown", x: 110, y: 90, w: 90, h: 40, options: range(4, (i) => pad(i * 15)) });
    add(OBJ.cycleHours, { val: Math.floor(cycle / 60) }, { obj: "dropdown", x: 10, y: 140, w: 90, h: 40, options: range(13, (i) => `${i}h`) });
    add(OBJ.cycleQuarter, { val: Math.floor((cycle % 60) / 15) }, { obj: "dropdown", x: 110, y: 140, w: 90, h: 40, options: range(4, (i) => pad(i * 15)) });
    add(OBJ.startNow, { text: "Démarrer" }, { obj: "btn", x: 210, y: 140, w: 100, h: 40 });
  } else if (page === EV_PAGE) {
    const departure = local(device.departure);
    add(OBJ.cycleHours, { val: departure?.hour ?? 0 }, { obj: "dropdown", x: 10, y: 90, w: 90, h: 40, options: range(24, pad) });
    add(OBJ.cycleQuarter, { val: departure ? Math.floor(departure.minute / 15) : 0 }, { obj: "dropdown", x: 110, y: 90, w: 90, h: 40, options: range(4, (i) => pad(i * 15)) });
    add(OBJ.charge, { val: Math.floor((device.socPct ?? 0) / 10) }, { obj: "dropdown", x: 10, y: 140, w: 90, h: 40, options: range(11, (i) => `${i * 10}%`) });
  }
  const next = local(device.nextStart);
  add(OBJ.nextStart, { text: next ? `Départ prévu ${next.toFormat("HH:mm")}` : "" }, { obj: "label", x: 10, y: 190, w: 300, h: 30 });
  add(OBJ.mode, { val: piloted ? 1 : 0 }, { obj: "switch", x: 10, y: 45, w: 80, h: 35 });
  return lines;
}

/**
 * The jsonl commands that show a household's view. `full` creates the objects (after a reboot
 * the plate has only its pages.jsonl, which we do not rely on); otherwise only values change.
 */
export function drawScreen(view: ScreenView, options: ScreenOptions, full: boolean): MqttMessage[] {
  const lines: Line[] = [];
  const leds: Line[] = [];
  for (let page = 2; page < SUMMARY_PAGE; page++) {
    const device = deviceOnPage(view, page);
    if (!device) continue;
    lines.push(...pageLines(device, page, options.zone, full));
    const led = { page: SUMMARY_PAGE, id: 10 + page, bg_color: device.mode === 30 ? GREEN : RED };
    leds.push(full ? { ...led, obj: "led", x: 20 + (page - 2) * 48, y: 60, w: 36, h: 36 } : led);
  }
  lines.push(...leds);
  if (view.balanceW !== undefined && Number.isFinite(view.balanceW)) {
    const text = `Équilibre ${view.balanceW >= 0 ? "+" : ""}${(view.balanceW / 1000).toFixed(1)} kW`;
    lines.push(full ? { page: SUMMARY_PAGE, id: OBJ.balance, obj: "label", x: 10, y: 120, w: 300, h: 30, text } : { page: SUMMARY_PAGE, id: OBJ.balance, text });
  }
  const connected = { page: CONNECTION_PAGE, id: OBJ.connected, text: "écran connecté", text_color: "#208020" };
  lines.push(full ? { ...connected, obj: "label", x: 50, y: 50, w: 220, h: 32, align: "center" } : connected);
  const command = `${options.base || "hasp"}/${topicLevel(view.node, view.node, "openHASP node")}/command`;
  // A full drawing first empties the pages, so objects are not created twice.
  const clears = full ? Array.from({ length: CONNECTION_PAGE - 1 }, (_, i) => publish(`${command}/clearpage`, String(i + 2), 1)) : [];
  return [...clears, ...batch(`${command}/jsonl`, lines.map((l) => JSON.stringify(l)))];
}

/** jsonl lines grouped into payloads under the plate's MQTT buffer size. */
function batch(topic: string, lines: string[]): MqttMessage[] {
  const messages: MqttMessage[] = [];
  let chunk: string[] = [];
  for (const line of lines) {
    if (chunk.length > 0 && [...chunk, line].join("\n").length > MAX_PAYLOAD) {
      messages.push(publish(topic, chunk.join("\n"), 1));
      chunk = [];
    }
    chunk.push(line);
  }
  if (chunk.length > 0) messages.push(publish(topic, chunk.join("\n"), 1));
  return messages;
}

export type ScreenMessage =
  | { kind: "lwt"; node: string; online: boolean }
  | { kind: "event"; node: string; page: number; id: number; event: string; val?: number; text?: string };

/** A message from a plate, or null for the topics we do not use (idle, sensors, statusupdate …). */
export function parseScreenMessage({ topic, payload }: MqttInbound, base = "hasp"): ScreenMessage | null {
  const levels = levelsAfter(base, topic);
  if (!levels || levels.length < 2) return null;
  const [node, kind, item] = levels;
  if (kind === "LWT" && levels.length === 2) return { kind: "lwt", node, online: lastWillOf(topic, payload) };
  const obj = kind === "state" && levels.length === 3 ? /^p(\d{1,2})b(\d{1,3})$/.exec(item) : null;
  if (!obj) return null;
  const body = jsonOf(topic, payload);
  if (typeof body.event !== "string") throw new DeviceMessageError("missing-field", topic, "event is missing");
  const event: ScreenMessage = { kind: "event", node, page: Number(obj[1]), id: Number(obj[2]), event: body.event };
  if (body.val !== undefined) event.val = numberOf(topic, body.val, "val", { min: -1e6, max: 1e6 });
  if (typeof body.text === "string") event.text = body.text;
  return event;
}

export interface ScreenOutcome {
  /** The view after the event (the node keeps it). */
  view: ScreenView;
  flex?: FlexRequest;
  actions: ScreenAction[];
  /** The screen should show the new values. */
  redraw: boolean;
}

/** The next local hh:mm after `now` (today, else tomorrow). */
function nextLocal(now: DateTime, hour: number, minute: number): DateTime {
  const today = now.set({ hour, minute, second: 0, millisecond: 0 });
  return today > now ? today : today.plus({ days: 1 }).set({ hour, minute });
}

/** A past wished time floored to the quarter and moved forward by days until it is ahead of now. */
function rolled(now: DateTime, iso: string | undefined, fallbackHours: number): DateTime {
  let t = iso ? DateTime.fromISO(iso, { zone: now.zone }) : now.plus({ hours: fallbackHours });
  t = t.set({ minute: Math.floor(t.minute / 15) * 15, second: 0, millisecond: 0 });
  while (t < now) t = t.plus({ days: 1 });
  return t;
}

/** The declaration a piloted device stands for, or undefined for kinds the screen cannot declare (tank, heating). */
export function flexOf(device: ScreenDevice, now: DateTime, stepMinutes: number): FlexRequest | undefined {
  const page = PAGE_OF_TYPE[device.elfeType];
  const base = { deviceId: device.deviceId, ...(device.name ? { name: device.name } : {}), elfeType: device.elfeType };
  if (MACHINE_PAGES.includes(page)) {
    if (!device.powerW || !device.cycleMinutes || !device.latestEnd) {
      throw new DeviceMessageError("missing-field", device.deviceId, "a machine needs powerW, cycleMinutes and a deadline to be declared");
    }
    const slots = Math.max(1, Math.ceil(device.cycleMinutes / stepMinutes));
    return validateFlexRequest.parse({ ...base, kind: "machine", profileW: Array(slots).fill(device.powerW), earliestStart: now.toISO(), latestEnd: device.latestEnd });
  }
  if (page === EV_PAGE) {
    if (!device.maxPowerW || !device.capacityWh || !device.departure) {
      throw new DeviceMessageError("missing-field", device.deviceId, "an EV needs maxPowerW, capacityWh and a departure to be declared");
    }
    return validateFlexRequest.parse({
      ...base,
      kind: "ev",
      maxPowerW: device.maxPowerW,
      capacityWh: device.capacityWh,
      socPct: device.socPct ?? 0,
      targetSocPct: device.targetSocPct ?? 100,
      departure: device.departure,
      modulating: false,
    });
  }
  return undefined;
}

/** What a touch on the screen means for the household's view, declarations and modes. */
export function applyScreenEvent(view: ScreenView, ev: Extract<ScreenMessage, { kind: "event" }>, nowMs: number, options: ScreenOptions): ScreenOutcome {
  const unchanged: ScreenOutcome = { view, actions: [], redraw: false };
  const device = deviceOnPage(view, ev.page);
  if (!device || ev.page < 2 || ev.page > 7) return unchanged;
  const now = DateTime.fromMillis(nowMs, { zone: options.zone });
  const at = now.toISO() as string;
  const val = ev.val ?? 0;
  const next: ScreenDevice = { ...device };
  const actions: ScreenAction[] = [];
  const machine = MACHINE_PAGES.includes(ev.page);
  if (ev.id === OBJ.mode && (ev.event === "up" || ev.event === "changed")) {
    const piloted = val === 1;
    next.mode = piloted ? 30 : 20;
    if (piloted && machine) next.latestEnd = rolled(now, device.latestEnd, 2).toISO() as string;
    if (piloted && ev.page === EV_PAGE) next.departure = rolled(now, device.departure, 12).toISO() as string;
    actions.push({ event: "mode", deviceId: device.deviceId, mode: next.mode as 20 | 30, at });
  } else if (ev.event !== "changed" && !(machine && ev.id === OBJ.startNow && ev.event === "up")) {
    return unchanged; // down, long, hold … of the value objects
  } else if (machine && ev.id === OBJ.startNow) {
    actions.push({ event: "start-now", deviceId: device.deviceId, at });
    return { view, actions, redraw: false };
  } else if (machine && (ev.id === OBJ.deadlineHour || ev.id === OBJ.deadlineQuarter)) {
    const old = device.latestEnd ? DateTime.fromISO(device.latestEnd, { zone: options.zone }) : undefined;
    const hour = ev.id === OBJ.deadlineHour ? val : (old?.hour ?? 0);
    const minute = ev.id === OBJ.deadlineQuarter ? val * 15 : Math.floor((old?.minute ?? 0) / 15) * 15;
    next.latestEnd = nextLocal(now, hour, minute).toISO() as string;
  } else if (machine && (ev.id === OBJ.cycleHours || ev.id === OBJ.cycleQuarter)) {
    const old = device.cycleMinutes ?? 0;
    next.cycleMinutes = ev.id === OBJ.cycleHours ? val * 60 + (old % 60) : Math.floor(old / 60) * 60 + val * 15;
  } else if (ev.page === EV_PAGE && (ev.id === OBJ.cycleHours || ev.id === OBJ.cycleQuarter)) {
    const old = device.departure ? DateTime.fromISO(device.departure, { zone: options.zone }) : undefined;
    const hour = ev.id === OBJ.cycleHours ? val : (old?.hour ?? 0);
    const minute = ev.id === OBJ.cycleQuarter ? val * 15 : Math.floor((old?.minute ?? 0) / 15) * 15;
    next.departure = nextLocal(now, hour, minute).toISO() as string;
  } else if (ev.page === EV_PAGE && ev.id === OBJ.charge) {
    next.socPct = Math.min(100, Math.max(0, val * 10));
  } else {
    return unchanged;
  }
  const devices = view.devices.map((d) => (d === device ? next : d));
  const flex = next.mode === 30 ? flexOf(next, now, options.stepMinutes) : undefined;
  return { view: { ...view, devices }, flex, actions, redraw: true };
}

const ScreenViewSchema = z.object({
  // The node name is a topic level (hasp/<node>/command/…): no wildcard, separator or control character.
  node: z.string().refine((s) => s !== "" && !unsafeForTopic(s, true), "not a topic level (empty, or holds /, #, + or a control character)"),
  balanceW: z.number().optional(),
  devices: z.array(
    // Every ScreenDevice field is checked: an unchecked NaN or a number where a time belongs would
    // reach the declarations built from a touch.
    z.looseObject({
      deviceId: z.string().min(1),
      elfeType: z.number().int(),
      mode: z.number().int(),
      name: z.string().optional(),
      latestEnd: z.iso.datetime({ offset: true }).optional(),
      cycleMinutes: z.number().nonnegative().max(7 * 24 * 60).optional(),
      powerW: z.number().nonnegative().optional(),
      socPct: z.number().min(0).max(100).optional(),
      targetSocPct: z.number().min(0).max(100).optional(),
      departure: z.iso.datetime({ offset: true }).optional(),
      capacityWh: z.number().nonnegative().optional(),
      maxPowerW: z.number().nonnegative().optional(),
      nextStart: z.iso.datetime({ offset: true }).optional(),
    }),
  ),
});

/** A household's view from a message, with each device's next start taken from the plan when one is given. */
export function screenViewOf(payload: unknown, plan?: Plan): ScreenView {
  const parsed = ScreenViewSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeviceMessageError("wrong-type", "ScreenView", `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const view = parsed.data as ScreenView;
  if (!plan) return view;
  const starts = new Map(plan.devices.filter((d) => d.start).map((d) => [d.deviceId, d.start as string]));
  return { ...view, devices: view.devices.map((d) => (starts.has(d.deviceId) ? { ...d, nextStart: starts.get(d.deviceId) } : d)) };
}
