// Translator → real broker → simulated device → telemetry → translator, for every family, plus
// the confirmation tracker on the same wire (confirmed, retried, failed, offline by last will).
import { strict as assert } from "node:assert";
import mqtt, { type MqttClient } from "mqtt";
import { Confirmations, type Due, type Translator } from "../../../lib/devices";
import { drawScreen, parseScreenMessage } from "../../../lib/devices/openhasp";
import { shellyGen1 } from "../../../lib/devices/shelly-gen1";
import { shellyGen2 } from "../../../lib/devices/shelly-gen2";
import { shellyHt } from "../../../lib/devices/shelly-ht";
import { socorel } from "../../../lib/devices/socorel";
import { switchBot } from "../../../lib/devices/switchbot";
import { tasmota } from "../../../lib/devices/tasmota";
import type { DeviceCommand, DeviceEvent, PlugFamily, Reading, Translation } from "../../../lib/types";
import { OpenHaspDouble, ShellyGen1Double, ShellyGen2Double, ShellyHtDouble, SocorelDouble, SwitchBotDouble, TasmotaDouble } from "../../support/device-doubles";
import { testBroker } from "../../support/services";

const order = (family: PlugFamily, deviceId: string, action: DeviceCommand["action"]): DeviceCommand => ({ deviceId, family, action, reason: "test", at: new Date().toISOString() });

/** A controller: publishes what a translator says, hears its subscriptions, keeps what they meant. */
class Controller {
  readonly translations: Translation[] = [];
  readonly events: DeviceEvent[] = [];
  readonly errors: Error[] = [];
  confirmations = new Confirmations({ timeoutMs: 400, retries: 1, idleW: 5 });
  private constructor(
    private readonly client: MqttClient,
    private readonly translator: Translator,
  ) {}

  static async start(url: string, translator: Translator): Promise<Controller> {
    const client = await mqtt.connectAsync(url);
    const c = new Controller(client, translator);
    client.on("message", (topic, payload) => {
      try {
        const t = translator.parse({ topic, payload }, new Date());
        if (!t) return;
        c.translations.push(t);
        c.deliver(c.confirmations.observe(t, Date.now()));
      } catch (err) {
        c.errors.push(err as Error);
      }
    });
    await client.subscribeAsync(translator.subscriptions(), { qos: 1 });
    return c;
  }

  async send(cmd: DeviceCommand): Promise<void> {
    const messages = this.translator.command(cmd);
    this.confirmations.sent(cmd, messages, Date.now());
    for (const m of messages) await this.client.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain });
  }

  deliver(due: Due): void {
    this.events.push(...due.resend.map((r) => r.event), ...due.events);
    for (const r of due.resend) for (const m of r.messages) this.client.publish(m.topic, m.payload, { qos: m.qos });
  }

  readings(deviceId: string): Reading[] {
    return this.translations.flatMap((t) => t.readings).filter((r) => r.deviceId === deviceId);
  }

  /** Resolves when `predicate` holds, polling; fails after `ms`. */
  async until(predicate: () => boolean, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`timed out; events ${JSON.stringify(this.events)}; errors ${this.errors.map((e) => e.message)}`);
      this.deliver(this.confirmations.tick(Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }
}

describe("device translators on a real broker, with simulated devices", function () {
  let url: string;
  let root: string;
  const running: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(x: T) => (running.push(x), x);

  beforeEach(async function () {
    const broker = await testBroker();
    url = broker.url;
    root = broker.prefix.replace(/\/$/, "");
  });
  afterEach(async function () {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });

  it("Shelly gen1: on → relay on, power W, energy W·min as Wh → confirmed", async function () {
    const base = `${root}/shellies`;
    const plug = track(await new ShellyGen1Double({ url, base, id: "shellyplug-s-A8BC25", loadW: 600 }).start());
    const c = track(await Controller.start(url, shellyGen1({ base, devices: "washer = shellyplug-s-A8BC25" })));
    await c.send(order("shelly-gen1", "washer", "on"));
    await c.until(() => c.events.some((e) => e.event === "confirmed"));
    assert.equal(plug.on, true);
    await c.until(() => c.readings("washer").some((r) => r.energyWh !== undefined));
    const power = c.readings("washer").find((r) => r.powerW !== undefined);
    assert.equal(power?.powerW, 600);
    assert.equal(c.readings("washer").find((r) => r.energyWh !== undefined)?.energyWh, 300 / 60);
    assert.deepEqual(c.errors, []);
  });

  it("Shelly gen2: Switch.Set answered on our reply topic, matched by id; status_ntf telemetry", async function () {
    const plug = track(await new ShellyGen2Double({ url, prefix: `${root}/D003`, loadW: 412.3 }).start());
    const c = track(await Controller.start(url, shellyGen2({ base: root, replyTopic: `${root}/ctl`, devices: "ev = D003" })));
    await c.send(order("shelly-gen2", "ev", "on"));
    await c.until(() => c.events.some((e) => e.event === "confirmed"));
    assert.equal(plug.on, true);
    assert.ok(c.translations.some((t) => t.acks.some((a) => a.deviceId === "ev" && a.ok)), "the RPC reply is the acknowledgement");
    await c.until(() => c.readings("ev").some((r) => r.powerW === 412.3 && r.on === true));
    assert.deepEqual(c.errors, []);
  });

  it("Tasmota: POWER ON → stat RESULT/POWER, tele SENSOR kWh as Wh; LWT Offline when the plug dies", async function () {
    const base = `${root}/t`;
    const plug = track(await new TasmotaDouble({ url, base, topic: "A123", loadW: 412 }).start());
    const c = track(await Controller.start(url, tasmota({ base, devices: "boiler = A123" })));
    await c.send(order("tasmota", "boiler", "on"));
    await c.until(() => c.events.some((e) => e.event === "confirmed"));
    await c.until(() => c.readings("boiler").some((r) => r.energyWh !== undefined));
    const sensor = c.readings("boiler").find((r) => r.energyWh !== undefined)!;
    assert.equal(sensor.powerW, 412);
    assert.equal(sensor.energyWh, Math.round(plug.totalKWh * 1000 * 1000) / 1000);
    await plug.crash();
    await c.until(() => c.events.some((e) => e.event === "offline" && e.deviceId === "boiler"), 5000);
  });

  it("Tasmota that ignores its orders: retried once, then failed", async function () {
    const base = `${root}/t`;
    const plug = track(await new TasmotaDouble({ url, base, topic: "B001" }).start());
    plug.deaf = true;
    const c = track(await Controller.start(url, tasmota({ base })));
    await c.send(order("tasmota", "B001", "on"));
    await c.until(() => c.events.some((e) => e.event === "failed"));
    assert.deepEqual(c.events.filter((e) => e.event !== "online").map((e) => [e.event, e.attempts]), [["retry", 2], ["failed", 2]]);
    assert.equal(plug.received.length, 2, "the order went out twice");
  });

  it("SwitchBot: on presses once, success confirms, a second on does not press again", async function () {
    const base = `${root}/switchbot`;
    const bot = track(await new SwitchBotDouble({ url, base, hub: "C002", bot: "C003" }).start());
    const translator = switchBot({ base, devices: "dishwasher = C002/C003" });
    const c = track(await Controller.start(url, translator));
    await c.send(order("switchbot", "dishwasher", "on"));
    await c.until(() => c.events.some((e) => e.event === "confirmed"));
    assert.equal(bot.on, true);
    assert.equal(translator.expected("dishwasher"), true);
    await c.send(order("switchbot", "dishwasher", "on"));
    await c.until(() => c.readings("dishwasher").some((r) => r.batteryPct === 94));
    assert.equal(bot.received.length, 1, "a press would have switched it off");
  });

  it("SwitchBot out of reach: the bridge reports failed, retried, then failed", async function () {
    const base = `${root}/switchbot`;
    const bot = track(await new SwitchBotDouble({ url, base, hub: "C002", bot: "C005" }).start());
    bot.unreachable = true;
    const c = track(await Controller.start(url, switchBot({ base })));
    await c.send(order("switchbot", "C002/C005", "on"));
    await c.until(() => c.events.some((e) => e.event === "failed"));
    assert.equal(bot.on, false);
    assert.match(c.events.find((e) => e.event === "failed")!.detail!, /press failed/);
  });

  it("Socorel: output 3 on → EtatSortie3 and EtatSorties; the other outputs stay off", async function () {
    const base = `${root}/Socorel`;
    const ctl = track(await new SocorelDouble({ url, base, serial: "121345678" }).start());
    const c = track(await Controller.start(url, socorel({ base, devices: "heater = 121345678/3" })));
    await c.send(order("socorel", "heater", "on"));
    await c.until(() => c.events.some((e) => e.event === "confirmed"));
    assert.deepEqual(ctl.outputs.map(Number), [0, 0, 1, 0, 0, 0, 0, 0]);
    await c.until(() => c.readings("121345678/1").length > 0);
    assert.equal(c.readings("121345678/1")[0].on, false);
  });

  it("Shelly H&T: a wake-up's temperature, humidity and battery", async function () {
    const base = `${root}/shellies`;
    const ht = track(await new ShellyHtDouble({ url, base, id: "shellyht-F002" }).start());
    const c = track(await Controller.start(url, shellyHt({ base, devices: "living = shellyht-F002" })));
    ht.telemetry(19.25, 55, 80);
    await c.until(() => c.readings("living").length >= 3);
    const merged = Object.assign({}, ...c.readings("living").map(({ ts: _t, ...r }) => r));
    assert.deepEqual(merged, { deviceId: "living", temperatureC: 19.25, humidityPct: 55, batteryPct: 80 });
  });

  it("openHASP: a full drawing lands on the plate, a touch comes back as an event", async function () {
    const base = `${root}/hasp`;
    const plate = track(await new OpenHaspDouble({ url, base, node: "g002" }).start());
    const client = await mqtt.connectAsync(url);
    track({ stop: () => client.endAsync(true) });
    const heard: unknown[] = [];
    client.on("message", (topic, payload) => heard.push(parseScreenMessage({ topic, payload }, base)));
    await client.subscribeAsync(`${base}/g002/state/#`);
    const view = { node: "g002", devices: [{ deviceId: "washer", elfeType: 112, mode: 30, latestEnd: "2026-05-02T18:00:00+02:00", cycleMinutes: 90 }] };
    for (const m of drawScreen(view, { base, zone: "Europe/Paris", stepMinutes: 15 }, true)) await client.publishAsync(m.topic, m.payload, { qos: m.qos });
    const deadline = Date.now() + 3000;
    while (!plate.objects.has("p9b8") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(plate.objects.get("p3b10")?.bg_color, "#00FF00");
    assert.equal(plate.objects.get("p3b8")?.val, 18);
    plate.touch(3, 3, "up", 0);
    while (heard.length === 0 && Date.now() < deadline + 3000) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(heard[0], { kind: "event", node: "g002", page: 3, id: 3, event: "up", val: 0 });
  });
});
