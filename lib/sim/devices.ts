// Simulated home-automation devices on a real MQTT broker: each obeys orders in its own wire
// format and publishes telemetry the way the real device does (protocols.md §6–10). Used by the
// control-command tests (through test/support/device-doubles.ts) and by the `npm start` demo.
import mqtt, { type MqttClient } from "mqtt";

export interface DoubleOptions {
  url: string;
  /** Power drawn when on (W). */
  loadW?: number;
  /** Called with every order the device receives (the demo prints them). */
  onOrder?: (topic: string, payload: string) => void;
}

/** A device connected to the broker with its last will, answering the topics it subscribes to. */
abstract class DeviceDouble {
  protected client?: MqttClient;
  on = false;
  /** Orders received, in arrival order (topic and text payload). */
  readonly received: { topic: string; payload: string }[] = [];

  constructor(protected readonly options: DoubleOptions) {}

  protected abstract will(): { topic: string; payload: string };
  protected abstract commandTopics(): string[];
  protected abstract obey(topic: string, payload: string): void;
  /** Publishes what the device says when it (re)connects. */
  protected abstract hello(): void;

  async start(): Promise<this> {
    const will = this.will();
    this.client = await mqtt.connectAsync(this.options.url, { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: false }, reconnectPeriod: 200 });
    this.client.on("message", (topic, payload) => {
      this.received.push({ topic, payload: payload.toString() });
      this.options.onOrder?.(topic, payload.toString());
      this.obey(topic, payload.toString());
    });
    this.client.on("connect", () => this.hello());
    await this.client.subscribeAsync(this.commandTopics(), { qos: 1 });
    this.hello();
    return this;
  }

  /** Stops as a crash would: the broker publishes the last will. */
  async crash(): Promise<void> {
    this.client?.stream.destroy();
    await this.client?.endAsync(true);
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
  }

  protected publish(topic: string, payload: string | object): void {
    this.client?.publish(topic, typeof payload === "string" ? payload : JSON.stringify(payload), { qos: 1 });
  }

  protected get powerW(): number {
    return this.on ? (this.options.loadW ?? 1000) : 0;
  }
}

/** Shelly Plug S (gen1): relay/0/command on/off → relay/0, power W, energy in watt-minutes. */
export class ShellyGen1Double extends DeviceDouble {
  energyWm = 0;
  constructor(options: DoubleOptions & { base: string; id: string }) {
    super(options);
  }
  private get root() {
    const o = this.options as DoubleOptions & { base: string; id: string };
    return `${o.base}/${o.id}`;
  }
  protected will = () => ({ topic: `${this.root}/online`, payload: "false" });
  protected commandTopics = () => [`${this.root}/relay/0/command`];
  protected hello = () => this.publish(`${this.root}/online`, "true");
  protected obey(_topic: string, payload: string): void {
    if (payload === "on" || payload === "off") this.on = payload === "on";
    if (payload === "toggle") this.on = !this.on;
    this.telemetry();
  }
  telemetry(): void {
    this.energyWm += Math.round(this.powerW / 2); // 30 s at powerW
    this.publish(`${this.root}/relay/0`, this.on ? "on" : "off");
    this.publish(`${this.root}/relay/0/power`, this.powerW.toFixed(2));
    this.publish(`${this.root}/relay/0/energy`, String(this.energyWm));
  }
}

/** Shelly Plus (gen2): JSON-RPC on `<p>/rpc`, answers on `<src>/rpc`, status/switch:0 with status_ntf. */
export class ShellyGen2Double extends DeviceDouble {
  energyWh = 0;
  constructor(options: DoubleOptions & { prefix: string }) {
    super(options);
  }
  private get p() {
    return (this.options as DoubleOptions & { prefix: string }).prefix;
  }
  protected will = () => ({ topic: `${this.p}/online`, payload: "false" });
  protected commandTopics = () => [`${this.p}/rpc`];
  protected hello = () => this.publish(`${this.p}/online`, "true");
  protected obey(_topic: string, payload: string): void {
    let call: { id?: unknown; src?: string; method?: string; params?: { id?: number; on?: boolean } };
    try {
      call = JSON.parse(payload);
    } catch {
      return; // a real device ignores garbage on its rpc topic
    }
    if (!call.src) return;
    const answer = { id: call.id, src: this.p.split("/").pop(), dst: call.src };
    if (call.method === "Switch.Set" && call.params?.id === 0 && typeof call.params.on === "boolean") {
      const wasOn = this.on;
      this.on = call.params.on;
      this.publish(`${call.src}/rpc`, { ...answer, result: { was_on: wasOn } });
      this.publish(`${this.p}/events/rpc`, { src: answer.src, dst: `${this.p}/events`, method: "NotifyStatus", params: { ts: Date.now() / 1000, "switch:0": { id: 0, output: this.on, source: "MQTT" } } });
      this.telemetry();
    } else if (call.method === "Switch.SetConfig") {
      this.publish(`${call.src}/rpc`, { ...answer, result: { restart_required: false } });
    } else {
      this.publish(`${call.src}/rpc`, { ...answer, error: { code: -103, message: "Invalid argument" } });
    }
  }
  telemetry(): void {
    this.energyWh += this.powerW / 60;
    this.publish(`${this.p}/status/switch:0`, { id: 0, source: "MQTT", output: this.on, apower: this.powerW, voltage: 231.4, current: this.powerW / 231.4, aenergy: { total: Math.round(this.energyWh * 1000) / 1000, by_minute: [0, 0, 0], minute_ts: Math.floor(Date.now() / 1000) } });
  }
}

/** Tasmota / Nous A1T: cmnd/<t>/POWER → stat/<t>/RESULT and stat/<t>/POWER, tele/<t>/STATE and SENSOR (kWh). */
export class TasmotaDouble extends DeviceDouble {
  totalKWh = 12.345;
  /** A broken device ignores its orders (to test retries). */
  deaf = false;
  constructor(options: DoubleOptions & { base?: string; topic: string }) {
    super(options);
  }
  private at(prefix: string, item: string) {
    const o = this.options as DoubleOptions & { base?: string; topic: string };
    return `${o.base ? `${o.base}/` : ""}${prefix}/${o.topic}/${item}`;
  }
  protected will = () => ({ topic: this.at("tele", "LWT"), payload: "Offline" });
  protected commandTopics = () => [this.at("cmnd", "POWER")];
  protected hello = () => this.publish(this.at("tele", "LWT"), "Online");
  protected obey(_topic: string, payload: string): void {
    if (this.deaf) return;
    const word = payload.toUpperCase();
    if (word === "ON" || word === "1") this.on = true;
    else if (word === "OFF" || word === "0") this.on = false;
    else if (word === "TOGGLE" || word === "2") this.on = !this.on;
    this.publish(this.at("stat", "RESULT"), { POWER: this.on ? "ON" : "OFF" });
    this.publish(this.at("stat", "POWER"), this.on ? "ON" : "OFF");
    this.telemetry();
  }
  telemetry(): void {
    this.totalKWh = Math.round((this.totalKWh + this.powerW / 120000) * 1000) / 1000;
    const time = new Date().toISOString().slice(0, 19);
    this.publish(this.at("tele", "STATE"), { Time: time, Uptime: "0T01:02:03", UptimeSec: 3723, POWER: this.on ? "ON" : "OFF", Wifi: { SSId: "elfe", RSSI: 70, Signal: -65 } });
    this.publish(this.at("tele", "SENSOR"), { Time: time, ENERGY: { TotalStartTime: "2023-11-02T10:12:40", Total: this.totalKWh, Yesterday: 0.512, Today: 0.21, Period: 3, Power: this.powerW, Voltage: 231, Current: this.powerW / 231 } });
  }
}

/** SwitchBot Bot behind the ESP32 bridge: PRESS toggles the appliance; status progress then success. */
export class SwitchBotDouble extends DeviceDouble {
  battery = 94;
  /** Presses fail (BLE out of reach) while true. */
  unreachable = false;
  constructor(options: DoubleOptions & { base: string; hub: string; bot: string }) {
    super(options);
  }
  private get o() {
    return this.options as DoubleOptions & { base: string; hub: string; bot: string };
  }
  private get root() {
    return `${this.o.base}/${this.o.hub}/bot/${this.o.bot}`;
  }
  protected will = () => ({ topic: `${this.o.base}/${this.o.hub}/lastwill`, payload: "offline" });
  protected commandTopics = () => [`${this.root}/set`];
  protected hello = () => this.publish(`${this.o.base}/${this.o.hub}/lastwill`, "online");
  protected obey(_topic: string, payload: string): void {
    if (payload !== "PRESS") return;
    this.publish(`${this.root}/status`, { status: "connected", command: "PRESS" });
    setTimeout(() => {
      if (this.unreachable) return this.publish(`${this.root}/status`, { status: "failed", value: 9, command: "PRESS" });
      this.on = !this.on;
      this.publish(`${this.root}/status`, { status: "success", value: 1, command: "PRESS" });
      this.telemetry();
    }, 20);
  }
  telemetry(): void {
    this.publish(`${this.root}/battery`, String(this.battery));
    this.publish(`${this.root}/rssi`, "-78");
    this.publish(`${this.root}/attributes`, { rssi: -78, mode: "Press", state: this.on ? "ON" : "OFF", batt: this.battery });
  }
}

/** Socorel controller: sortie<n> 1/0 → EtatSortie<n> and EtatSorties ("10000000"). */
export class SocorelDouble extends DeviceDouble {
  readonly outputs = Array<boolean>(8).fill(false);
  constructor(options: DoubleOptions & { base: string; serial: string }) {
    super(options);
  }
  private get root() {
    const o = this.options as DoubleOptions & { base: string; serial: string };
    return `${o.base}/${o.serial}`;
  }
  protected will = () => ({ topic: `${this.root}/status`, payload: "offline" });
  protected commandTopics = () => Array.from({ length: 8 }, (_, i) => `${this.root}/sortie${i + 1}`);
  protected hello = () => undefined;
  protected obey(topic: string, payload: string): void {
    const n = Number(topic.slice(-1));
    this.outputs[n - 1] = payload === "1";
    this.publish(`${this.root}/EtatSortie${n}`, payload === "1" ? "1" : "0");
    this.telemetry();
  }
  telemetry(): void {
    this.publish(`${this.root}/EtatSorties`, this.outputs.map((o) => (o ? "1" : "0")).join(""));
  }
}

/** Shelly H&T: wakes, publishes temperature, humidity and battery, sleeps (online false). */
export class ShellyHtDouble extends DeviceDouble {
  constructor(options: DoubleOptions & { base: string; id: string }) {
    super(options);
  }
  private get root() {
    const o = this.options as DoubleOptions & { base: string; id: string };
    return `${o.base}/${o.id}`;
  }
  protected will = () => ({ topic: `${this.root}/online`, payload: "false" });
  protected commandTopics = () => [`${this.root}/command`];
  protected hello = () => this.publish(`${this.root}/online`, "true");
  protected obey(): void {}
  telemetry(temperatureC = 21.5, humidityPct = 48, batteryPct = 87): void {
    this.publish(`${this.root}/sensor/temperature`, temperatureC.toFixed(2));
    this.publish(`${this.root}/sensor/humidity`, humidityPct.toFixed(1));
    this.publish(`${this.root}/sensor/battery`, String(batteryPct));
  }
}

/** An openHASP plate: records the jsonl it is sent, and publishes touches and its LWT. */
export class OpenHaspDouble extends DeviceDouble {
  readonly objects = new Map<string, Record<string, unknown>>();
  constructor(options: DoubleOptions & { base: string; node: string }) {
    super(options);
  }
  private get root() {
    const o = this.options as DoubleOptions & { base: string; node: string };
    return `${o.base}/${o.node}`;
  }
  protected will = () => ({ topic: `${this.root}/LWT`, payload: "offline" });
  protected commandTopics = () => [`${this.root}/command/#`];
  protected hello = () => this.publish(`${this.root}/LWT`, "online");
  protected obey(topic: string, payload: string): void {
    if (topic.endsWith("/clearpage")) {
      for (const key of [...this.objects.keys()]) if (key.startsWith(`p${payload}b`)) this.objects.delete(key);
      return;
    }
    if (!topic.endsWith("/jsonl")) return;
    for (const line of payload.split("\n")) {
      const obj = JSON.parse(line) as { page: number; id: number };
      const key = `p${obj.page}b${obj.id}`;
      this.objects.set(key, { ...this.objects.get(key), ...obj });
    }
  }
  touch(page: number, id: number, event: string, val?: number, text?: string): void {
    this.publish(`${this.root}/state/p${page}b${id}`, { event, ...(val === undefined ? {} : { val }), ...(text === undefined ? {} : { text }) });
  }
}
