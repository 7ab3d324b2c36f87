import { strict as assert } from "node:assert";
import fc from "fast-check";
import { SourceError } from "../../../lib/sources/errors";
import { P1Splitter, crcHex, parseTelegram, telegramReading } from "../../../lib/sources/p1";
import { validateReading } from "../../../lib/types";
import { DSMR22, DSMR42, DSMR5_BE, DSMR5_NL } from "../../support/p1-telegrams";

const telegrams = (items: ReturnType<P1Splitter["push"]>) => items.flatMap((i) => ("telegram" in i ? [i.telegram] : []));
const errors = (items: ReturnType<P1Splitter["push"]>) => items.flatMap((i) => ("error" in i ? [i.error] : []));

describe("lib/sources/p1", function () {
  it("CRC-16/ARC matches the standard check value", function () {
    assert.equal(crcHex("123456789"), "BB3D");
  });

  it("parses a DSMR 5 telegram: tariffs, power, phases, gas, meter time on the repeated DST hour", function () {
    const t = parseTelegram(DSMR5_NL);
    assert.equal(t.crcChecked, true);
    assert.equal(t.version, "5.0");
    assert.deepEqual(t.importKWh, { "1": 1234.567, "2": 765.433 });
    assert.deepEqual(t.exportKWh, { "1": 321, "2": 100.5 });
    assert.equal(t.tariff, 2);
    assert.equal(t.importKW, 1.193);
    assert.deepEqual(t.phases[0], { importKW: 0.703, exportKW: 0, voltageV: 229, currentA: 3 });
    assert.equal(t.phases.length, 3);
    // 02:30 "W" on 2026-10-25 is the second 02:30 (winter time), 02:00 "S" the first.
    assert.equal(t.ts, "2026-10-25T02:30:10+01:00");
    assert.deepEqual(t.gas, { m3: 2345.678, ts: "2026-10-25T02:00:00+02:00" });
    const r = telegramReading(t, "meter-1");
    assert.deepEqual(r, { deviceId: "meter-1", ts: "2026-10-25T02:30:10+01:00", powerW: 1193, energyWh: 2000000 });
    assert.ok(validateReading.check(r).ok);
  });

  it("parses the Belgian variant (export gives a negative power) and DSMR 2.2 without CRC", function () {
    const be = parseTelegram(DSMR5_BE, { zone: "Europe/Brussels" });
    assert.equal(be.version, "50217");
    assert.equal(telegramReading(be, "m").powerW, -2150);
    assert.equal(be.gas?.m3, 788.212);
    assert.deepEqual(be.phases, [{ voltageV: 236.4, currentA: 9.12 }]);
    const old = parseTelegram(DSMR22);
    assert.equal(old.crcChecked, false);
    assert.equal(old.ts, undefined);
    assert.equal(old.gas?.m3, 124.477);
    assert.equal(old.importKW, 0.98);
    const r = telegramReading(old, "m", new Date("2026-06-10T10:00:00Z"));
    assert.equal(Date.parse(r.ts), Date.parse("2026-06-10T10:00:00Z"));
    assert.throws(() => parseTelegram(DSMR22, { requireCrc: true }), /without CRC/);
  });

  it("parses a DSMR 4.2 single-phase telegram (a Kaifa header with a dash)", function () {
    const t = parseTelegram(DSMR42);
    assert.equal(t.version, "4.2");
    assert.equal(t.header, "KFM5KAIFA-METER");
    assert.deepEqual(t.phases, [{ importKW: 0.412, exportKW: 0, voltageV: 231, currentA: 2 }]);
    assert.equal(telegramReading(t, "m").powerW, 412);
    // The first hours of summer time on the spring-forward day.
    assert.equal(t.ts, "2026-03-29T03:30:05+02:00");
    assert.deepEqual(telegrams(new P1Splitter().push(DSMR42 + DSMR22)), [DSMR42, DSMR22]);
  });

  it("rejects a telegram with a bad CRC, with a clear error", function () {
    const bad = DSMR5_NL.replace("1-0:1.7.0(01.193*kW)", "1-0:1.7.0(09.193*kW)");
    assert.throws(() => parseTelegram(bad), (e: unknown) => e instanceof SourceError && /CRC mismatch/.test(e.message) && /rejected/.test(e.message));
  });

  it("splits a stream: two telegrams in one chunk, one telegram in line-sized chunks, a cut telegram", function () {
    const s = new P1Splitter();
    const both = s.push(DSMR5_NL + DSMR5_BE);
    assert.deepEqual(telegrams(both), [DSMR5_NL, DSMR5_BE]);
    const lines = DSMR5_NL.split(/(?<=\n)/);
    const got: string[] = [];
    for (const l of lines) got.push(...telegrams(s.push(Buffer.from(l, "latin1"))));
    assert.deepEqual(got, [DSMR5_NL]);
    // Byte by byte, with noise before the header.
    const s2 = new P1Splitter();
    const got2: string[] = [];
    for (const ch of `xx\r\n${DSMR22}${DSMR5_BE}`) got2.push(...telegrams(s2.push(ch)));
    assert.deepEqual(got2.map((t) => t.slice(0, 6)), ["/ISk5\\", "/FLU5\\"]);
    // Cut in the middle (meter reset): an error for the cut one, the next one still comes through.
    const s3 = new P1Splitter();
    const cut = s3.push(DSMR5_NL.slice(0, 300) + DSMR5_BE);
    assert.equal(errors(cut).length, 1);
    assert.match(errors(cut)[0].message, /telegram cut/);
    assert.deepEqual(telegrams(cut), [DSMR5_BE]);
    // Waiting for the CRC to arrive.
    const s4 = new P1Splitter();
    assert.deepEqual(s4.push(DSMR5_NL.slice(0, -4)), []);
    assert.deepEqual(telegrams(s4.push(DSMR5_NL.slice(-4))), [DSMR5_NL]);
  });

  it("property: wherever the stream is cut into chunks, the same telegrams come out", function () {
    const stream = `noise${DSMR5_NL}${DSMR22}${DSMR42}${DSMR5_BE}`;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const s = new P1Splitter();
        const got: string[] = [];
        for (let i = 0; i < at.length - 1; i++) got.push(...telegrams(s.push(stream.slice(at[i], at[i + 1]))));
        assert.deepEqual(got, [DSMR5_NL, DSMR22, DSMR42, DSMR5_BE]);
      }),
      { numRuns: 200 },
    );
  });

  it("garbage and cut texts are typed errors", function () {
    assert.throws(() => parseTelegram("hello"), SourceError);
    assert.throws(() => parseTelegram(DSMR5_NL.slice(0, 200)), /no '!' end/);
    assert.throws(() => parseTelegram("/X\r\n0-0:96.1.1(1)\r\n!\r\n"), /no electricity import/);
  });

  it("property: mutated telegrams and random text are parsed or refused with SourceError, and the splitter never throws", function () {
    const check = (body: string) => {
      try {
        parseTelegram(body);
      } catch (err) {
        assert.ok(err instanceof SourceError, String(err));
      }
      new P1Splitter(2048).push(body);
    };
    fc.assert(fc.property(fc.string(), check), { numRuns: 300 });
    fc.assert(fc.property(fc.nat(DSMR5_NL.length - 1), fc.string({ maxLength: 3 }), (at, ins) => check(DSMR5_NL.slice(0, at) + ins + DSMR5_NL.slice(at + 1))), { numRuns: 400 });
    // A mutation inside the CRC-protected text never gives a silently wrong reading.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: DSMR5_NL.indexOf("!") - 1 }), fc.constantFrom("0", "9", "."), (at, ch) => {
        fc.pre(DSMR5_NL[at] !== ch);
        assert.throws(() => parseTelegram(DSMR5_NL.slice(0, at) + ch + DSMR5_NL.slice(at + 1)), SourceError);
      }),
      { numRuns: 200 },
    );
  });
});
