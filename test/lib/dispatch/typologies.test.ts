import { strict as assert } from "node:assert";
import { Dispatcher, PRESS_GAP_MS, TYPOLOGIES, typologyOf, type Step } from "../../../lib/dispatch";
import { validateDeviceCommand } from "../../../lib/types";
import { ZONE, binding, decisions, device, plan } from "./fixtures";

const seq = (steps: Step[]) => steps.map((s) => `${s.role}:${s.action}+${s.delayMs}`);

describe("installation typologies", function () {
  const expected: Record<number, { start: string[]; on: string[]; off: string[]; idempotent: boolean }> = {
    120: { start: ["main:on+0"], on: ["main:on+0"], off: ["main:off+0"], idempotent: true },
    190: { start: ["main:off+0"], on: ["main:off+0"], off: ["main:on+0"], idempotent: true },
    130: { start: ["main:press+0"], on: ["main:press+0"], off: [], idempotent: false },
    160: { start: ["main:press+0", `main:press+${PRESS_GAP_MS}`], on: ["main:press+0", "main:press+5000"], off: [], idempotent: false },
    150: { start: ["powerFinger:press+0", "main:press+5000"], on: ["powerFinger:press+0", "main:press+5000"], off: [], idempotent: false },
    140: { start: ["main:on+0"], on: ["main:on+0"], off: ["main:off+0"], idempotent: true },
    180: { start: ["main:on+0"], on: ["main:on+0"], off: ["main:off+0"], idempotent: true },
  };

  for (const [id, want] of Object.entries(expected)) {
    it(`${id} (${TYPOLOGIES.get(Number(id))?.name}): its start, on and off sequences`, function () {
      const t = TYPOLOGIES.get(Number(id))!;
      assert.deepEqual(seq(t.start()), want.start);
      assert.deepEqual(seq(t.set(true)), want.on);
      assert.deepEqual(seq(t.set(false)), want.off);
      assert.equal(t.idempotent, want.idempotent);
    });
  }

  it("has exactly the seven sequences, and refuses the others by id", function () {
    assert.deepEqual([...TYPOLOGIES.keys()].sort(), [120, 130, 140, 150, 160, 180, 190]);
    for (const id of [110, 170, 200, 999]) assert.ok(typologyOf({ typology: id, family: "shelly-gen1" }) instanceof Error);
  });

  it("without a typology: a SwitchBot finger presses, anything else switches", function () {
    assert.equal((typologyOf({ family: "switchbot" }) as { id: number }).id, 130);
    assert.equal((typologyOf({ family: "tasmota" }) as { id: number }).id, 120);
  });

  it("confirms by the expected switch state, or by power where state proves nothing", function () {
    assert.deepEqual(TYPOLOGIES.get(120)!.confirm, { expectOn: true, power: true });
    assert.deepEqual(TYPOLOGIES.get(190)!.confirm, { expectOn: false, power: true });
    assert.deepEqual(TYPOLOGIES.get(180)!.confirm, { power: true });
    assert.deepEqual(TYPOLOGIES.get(150)!.confirm, { power: true });
  });

  describe("through the dispatcher", function () {
    const T0 = "2026-06-10T12:00:00+02:00";
    const startOf = (b: ReturnType<typeof binding>) => {
      const d = new Dispatcher({ zone: ZONE });
      d.setBindings([b], T0);
      const o = d.setPlan(plan(T0, [device(b.deviceId, decisions(96, [0]))]), T0);
      for (const c of o.commands) validateDeviceCommand.parse(c.command);
      return { d, o };
    };

    it("150 sends the power finger's press to its own plug and family, then the start press 5 s later", function () {
      const { o } = startOf(binding("wm", { typology: 150, family: "switchbot", plugId: "bot-start", powerFinger: { family: "switchbot", plugId: "bot-power" } }));
      assert.deepEqual(
        o.commands.map((c) => [c.plugId, c.command.family, c.command.action, c.delayMs, c.command.at]),
        [
          ["bot-power", "switchbot", "press", 0, "2026-06-10T12:00:00+02:00"],
          ["bot-start", "switchbot", "press", 5000, "2026-06-10T12:00:05+02:00"],
        ],
      );
    });

    it("150 without its power finger sends only what it can address", function () {
      const { o } = startOf(binding("wm", { typology: 150, family: "switchbot", plugId: "bot-start" }));
      assert.deepEqual(o.commands.map((c) => c.plugId), ["bot-start"]);
    });

    it("190 starts by opening the relay and is confirmed by the plug reporting off", function () {
      const { d, o } = startOf(binding("wm", { typology: 190 }));
      assert.deepEqual(o.commands.map((c) => c.command.action), ["off"]);
      assert.deepEqual(d.reading({ deviceId: "plug-wm", ts: "2026-06-10T12:00:10+02:00", on: true }, "2026-06-10T12:00:10+02:00").events, []);
      const ok = d.reading({ deviceId: "plug-wm", ts: "2026-06-10T12:00:11+02:00", on: false }, "2026-06-10T12:00:11+02:00");
      assert.deepEqual(ok.events.map((e) => e.kind), ["confirmed", "mode"]);
    });

    it("160 presses twice; its confirmation time-out starts after the second press", function () {
      const { d, o } = startOf(binding("dw", { typology: 160, family: "switchbot", plugId: "bot" }));
      assert.deepEqual(o.commands.map((c) => `${c.command.action}+${c.delayMs}`), ["press+0", "press+5000"]);
      assert.equal(d.nextWake(), Date.parse(T0) + 5000 + d.options.confirmTimeoutMs);
    });
  });
});
