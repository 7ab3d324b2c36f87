// The fast history path must read exactly what the JSON path reads: decimals as Number() does,
// history.get bodies as JSON.parse does (or decline them), and slots as resamplePower computes them.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { quotientOf, readDecimal, decimalResult } from "../../../lib/sources/zabbix/decimal";
import { scanHistoryAnswer } from "../../../lib/sources/zabbix/history-scan";
import { HistoryColumns, ItemIndex } from "../../../lib/sources/zabbix/history-columns";
import { historyColumnsOf } from "../../../lib/sources/zabbix/api";
import { ZabbixTransportError, type JsonValue } from "../../../lib/sources/zabbix/client";
import { SlotGrid } from "../../../lib/time/grid";
import { resamplePower, type Sample } from "../../../lib/time/resample";
import { resamplePreviousColumns, SampleColumns } from "../../../lib/time/resample-columns";

/** readDecimal on a text: the number, "declined" (-1), or a failure when it reads something else. */
function read(text: string): number | "declined" {
  const bytes = Buffer.from(`${text}"`, "latin1");
  const stop = readDecimal(bytes, 0, bytes.length);
  // The scanner takes a number only when it ends at the value's closing quote.
  if (stop < 0 || bytes[stop] !== 0x22) return "declined";
  assert.equal(stop, text.length, `${text}: stopped at ${stop}`);
  return decimalResult.value;
}

function sameAsNumber(text: string): boolean {
  const v = read(text);
  if (v === "declined") return true;
  assert.ok(Object.is(v, Number(text)), `${text}: read ${v}, Number() says ${Number(text)}`);
  return false;
}

const digitString = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));

/** A decimal text of 1–19 digits with the point anywhere (or none), maybe negative. */
const decimalText = fc.tuple(fc.boolean(), digitString(1, 19), fc.nat()).map(([neg, digits, at]) => {
  const cut = at % (digits.length + 1);
  const text = cut === 0 || cut === digits.length ? digits : `${digits.slice(0, cut)}.${digits.slice(cut)}`;
  return `${neg ? "-" : ""}${text}`;
});

describe("lib/sources/zabbix fast history path", function () {
  describe("decimals read from bytes", function () {
    it("read the double Number() gives, for random decimals of up to 19 digits", function () {
      let declined = 0;
      let total = 0;
      fc.assert(
        fc.property(decimalText, (text) => {
          total++;
          if (sameAsNumber(text)) declined++;
        }),
        { numRuns: 20_000 },
      );
      assert.ok(declined < total / 100, `${declined} of ${total} declined`);
    });

    it("read the shortest text of random doubles, and fixed-point texts, as Number() does", function () {
      fc.assert(
        fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.integer({ min: 0, max: 8 }), (x, digits) => {
          sameAsNumber(String(x).includes("e") ? "1" : String(x));
          sameAsNumber(x.toFixed(digits));
        }),
        { numRuns: 20_000 },
      );
      // The benchmark's kind of value: 17 significant digits, always read without Number().
      for (let c = 0; c < 2000; c++) {
        const text = String(1000 + Math.sin(c / 60) * 200);
        assert.notEqual(read(text), "declined", text);
        sameAsNumber(text);
      }
    });

    it("ties and near-ties between two doubles are declined or read right, never rounded the wrong way", function () {
      // Integers above 2^53 sit between doubles: exact ties (…2 mod 4 at 2^54) and their neighbours.
      for (let k = 0; k < 3000; k++) {
        const base = 2n ** 54n + BigInt(k) * 4n + 2n;
        for (const d of [-1n, 0n, 1n]) {
          const text = String(base + d);
          sameAsNumber(text);
          sameAsNumber(`${text.slice(0, 10)}.${text.slice(10)}`);
        }
      }
      // Powers of two, where the gap below is half the gap above.
      for (let e = 53; e < 63; e++) for (const d of [-3n, -2n, -1n, 0n, 1n, 2n, 3n]) sameAsNumber(String(2n ** BigInt(e) + d));
      assert.ok(Number.isNaN(quotientOf(180143985, 9481986, 8, 0)), "an exact tie is left to Number()");
    });

    it("anything else is declined: exponents, signs, blanks, lone points, more than 19 digits", function () {
      for (const text of ["1e3", "+5", " 12", "12 ", ".5", "5.", "-", "", "0x10", "NaN", "Infinity", "12345678901234567890", "1.2.3"]) {
        assert.equal(read(text), "declined", text);
      }
      assert.ok(Object.is(read("-0"), -0));
      assert.equal(read("00012.50"), 12.5);
    });
  });

  describe("history.get bodies scanned as JSON.parse reads them", function () {
    const ids = ["50000", "50002", "7", "123456789012345"];
    const index = new ItemIndex(ids);

    function columns(page: HistoryColumns) {
      const rows = [];
      for (let i = 0; i < page.n; i++) rows.push([page.item[i], page.clock[i], page.ns[i], page.value[i], page.badText.get(i)]);
      return rows;
    }

    /** The JSON path's columns, or its error. */
    function jsonPath(body: string): unknown[] | Error {
      const page = new HistoryColumns(4);
      try {
        const reply = JSON.parse(body) as { result?: JsonValue };
        historyColumnsOf(reply.result as JsonValue, index, page);
      } catch (err) {
        return err as Error;
      }
      return columns(page);
    }

    /** The scanner agrees with the JSON path whenever it accepts a body; returns whether it accepted. */
    function agrees(body: string): boolean {
      const page = new HistoryColumns(4);
      const accepted = scanHistoryAnswer(Buffer.from(body, "utf8"), index, page);
      if (!accepted) return false;
      const expected = jsonPath(body);
      assert.ok(!(expected instanceof Error), `scanner accepted a body the JSON path refuses (${String(expected)}): ${body.slice(0, 200)}`);
      assert.deepEqual(columns(page), expected, body.slice(0, 300));
      return true;
    }

    const valueText = fc.oneof(
      decimalText,
      fc.double({ noNaN: false }).map(String),
      fc.constantFrom("", " ", " 12 ", "1e3", "0x10", "NaN", "Infinity", "-", "12,5 kW", 'say "hi"', "tab\there", "é", "\u2028", "\\", "1.", ".5", "+7"),
      fc.string(),
    );
    const row = fc.record(
      {
        itemid: fc.oneof(fc.constantFrom(...ids), fc.constantFrom("50001", "050000", "0", "99999999999999999"), fc.nat().map(String)),
        clock: fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }).map(String), fc.constantFrom("yesterday", "", "01", "1.5", "1e9", "9999999999999999")),
        value: valueText,
        ns: fc.oneof(fc.integer({ min: 0, max: 999_999_999 }).map(String), fc.constantFrom("", "x")),
      },
      { requiredKeys: ["itemid", "clock", "value"] },
    );
    const canonicalRow = fc.record({
      itemid: fc.constantFrom(...ids, "50001"),
      clock: fc.integer({ min: 0, max: 2_000_000_000 }).map(String),
      value: valueText,
    });

    it("accepts the compact answer of a real server and reads the same columns", function () {
      fc.assert(
        fc.property(fc.array(canonicalRow, { maxLength: 40 }), fc.nat(), (rows, id) => {
          assert.ok(agrees(JSON.stringify({ jsonrpc: "2.0", result: rows, id })), "the compact answer was declined");
          assert.ok(agrees(`{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(rows)}}`), "id-first answer was declined");
        }),
        { numRuns: 2000 },
      );
    });

    it("clock-major answers (item after item at one second, the shortcuts' case) read as JSON.parse reads them, whatever the id list", function () {
      // Id lists with repeats (the last position is the one JSON's lookup gives) and ids not asked for in the rows.
      const idList = fc.array(fc.constantFrom("7", "8", "50000", "50002", "123456789012345", "0"), { minLength: 0, maxLength: 8 });
      const second = fc.record({
        // Clocks whose digits are prefixes of one another ("9", "99", "990") and repeats of the last one.
        clock: fc.constantFrom("9", "99", "990", "999", "1", "10", "1780000020", "1780000080", "17800000200", "0"),
        items: fc.array(fc.constantFrom("7", "8", "50000", "50002", "123456789012345", "0", "9"), { maxLength: 6 }),
        ordered: fc.boolean(),
      });
      fc.assert(
        fc.property(idList, fc.array(second, { maxLength: 12 }), (ids, seconds) => {
          const own = new ItemIndex(ids);
          const rows = seconds.flatMap((s) => (s.ordered ? ids : s.items).map((itemid, i) => ({ itemid, clock: s.clock, value: String(i * 0.1 + 1000.5) })));
          const body = JSON.stringify({ jsonrpc: "2.0", result: rows, id: 5 });
          const page = new HistoryColumns(2);
          assert.ok(scanHistoryAnswer(Buffer.from(body), own, page), body.slice(0, 200));
          const expected = new HistoryColumns(2);
          historyColumnsOf(rows, own, expected);
          assert.deepEqual(columns(page), columns(expected), body.slice(0, 300));
        }),
        { numRuns: 3000 },
      );
    });

    it("reordered, missing or extra fields, numbers instead of strings, odd values: the same columns or declined", function () {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(row, fc.boolean(), fc.boolean(), fc.boolean()), { maxLength: 30 }),
          fc.oneof(fc.nat().map((n) => n as unknown), fc.constantFrom("x", null, 1.5, "01")),
          (rows, id) => {
            const result = rows.map(([r, reverse, numeric, extra]) => {
              let entries: [string, unknown][] = Object.entries(r);
              if (reverse) entries = entries.reverse();
              if (numeric) entries = entries.map(([k, v]) => [k, Number.isFinite(Number(v)) && v !== "" ? Number(v) : v]);
              if (extra) entries.push(["flag", 1]);
              return Object.fromEntries(entries);
            });
            agrees(JSON.stringify({ jsonrpc: "2.0", result: result, id }));
          },
        ),
        { numRuns: 3000 },
      );
    });

    it("mutated bodies (cut, spliced, with spaces, error objects) are declined or read as the JSON path reads them", function () {
      fc.assert(
        fc.property(fc.array(canonicalRow, { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), fc.string({ maxLength: 4 }), (rows, at, len, insert) => {
          const body = JSON.stringify({ jsonrpc: "2.0", result: rows, id: 3 });
          const cut = at % body.length;
          agrees(body.slice(0, cut)); // truncated
          agrees(body.slice(0, cut) + insert + body.slice(cut + (len % 3))); // spliced
          agrees(JSON.stringify({ jsonrpc: "2.0", result: rows, id: 3 }, null, 1)); // pretty-printed: declined
        }),
        { numRuns: 3000 },
      );
      const error = '{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params.","data":"Not authorized."},"id":3}';
      assert.equal(agrees(error), false);
      assert.equal(agrees('{"jsonrpc":"2.0","result":[{"itemid":"7","clock":"1","value":"1"}],"id":3}\n'), false);
      assert.equal(agrees('{"jsonrpc":"2.0","result":[{"itemid":"7","clock":"1","value":"1","value":"2"}],"id":3}'), false);
      assert.equal(agrees('{"jsonrpc":"2.0","result":[{"itemid":"7","clock":"1","value":"1"}],"id":03}'), false);
      // A clock that is not a Unix time is the JSON path's error, not the scanner's guess.
      assert.equal(agrees('{"jsonrpc":"2.0","result":[{"itemid":"7","clock":"yesterday","value":"1"}],"id":3}'), false);
      const refused = jsonPath('{"jsonrpc":"2.0","result":[{"itemid":"7","clock":"yesterday","value":"1"}],"id":3}');
      assert.ok(refused instanceof ZabbixTransportError && /clock "yesterday" is not a Unix time/.test(refused.message));
    });

    it("reads escaped and non-ASCII values through JSON, and keeps the text of values that are not numbers", function () {
      const body = JSON.stringify({ jsonrpc: "2.0", result: [{ itemid: "7", clock: "10", value: "12,5 kW" }, { itemid: "7", clock: "11", value: " 4\u00a0" }, { itemid: "50002", clock: "12", value: 'a"b' }, { itemid: "8", clock: "13", value: "1" }], id: 1 });
      const page = new HistoryColumns(1);
      assert.ok(scanHistoryAnswer(Buffer.from(body), index, page));
      assert.deepEqual(columns(page), [
        [2, 10, 0, NaN, "12,5 kW"],
        [2, 11, 0, 4, undefined],
        [1, 12, 0, NaN, 'a"b'],
        [-1, 13, 0, 1, undefined],
      ]);
      // Ids that are not plain decimal numbers: the scanner leaves the whole answer to JSON.
      assert.equal(scanHistoryAnswer(Buffer.from(body), new ItemIndex(["007"]), page), false);
    });
  });

  describe("slots from typed columns", function () {
    const grid = new SlotGrid({ zone: "Europe/Paris", stepMinutes: 15 });
    // Around the October DST change, so that slot bounds are not a plain multiple.
    const T0 = Date.parse("2026-10-25T00:00:00+02:00");

    it("give resamplePower's 'previous' slots bit for bit: gaps, NaN, out of order, duplicate times", function () {
      const sample = fc.record({
        minute: fc.integer({ min: -40, max: 26 * 60 }),
        second: fc.constantFrom(0, 0, 0, 30, 59),
        // Values near the float limit overflow a slot's integral: both make that slot a gap.
        value: fc.oneof(fc.double({ min: -5000, max: 5000, noNaN: true }), fc.constant(NaN), fc.constant(Infinity), fc.integer({ min: 0, max: 3 }), fc.constantFrom(1.7e308, -1.7e308)),
      });
      fc.assert(
        fc.property(fc.array(sample, { maxLength: 400 }), fc.integer({ min: 0, max: 104 }), fc.integer({ min: 0, max: 8 }), fc.constantFrom(undefined, 5, 30, 61), fc.boolean(), (rows, count, startSlot, maxGapMinutes, sorted) => {
          const list = sorted ? [...rows].sort((a, b) => a.minute - b.minute) : rows;
          const samples: Sample[] = list.map((r) => ({ ts: T0 + r.minute * 60_000 + r.second * 1000, value: r.value }));
          const start = T0 + startSlot * 900_000;
          const expected = resamplePower(grid, samples, { start, count, maxGapMinutes, interpolation: "previous" }).series.values;
          const columns = new SampleColumns(2);
          for (const s of samples) if (Number.isFinite(s.value)) columns.push(s.ts as number, s.value as number);
          const bounds = grid.starts(start, count + 1).map((d) => d.toMillis());
          const got = resamplePreviousColumns(bounds, columns, { maxGapMs: (maxGapMinutes ?? 30) * 60_000 });
          assert.equal(got.length, expected.length);
          got.forEach((v, i) => assert.ok(Object.is(v, expected[i]), `slot ${i}: ${v} vs ${expected[i]}`));
        }),
        { numRuns: 1500 },
      );
    });

    it("minute data over a day: every slot has its value, and a hole longer than the gap empties its slots", function () {
      const columns = new SampleColumns(1);
      for (let m = -15; m < 24 * 60 + 15; m++) if (m < 300 || m >= 360) columns.push(T0 + m * 60_000, m % 15);
      const bounds = grid.starts(T0, 24 * 4 + 5).map((d) => d.toMillis()); // 25 hours on this day
      const values = resamplePreviousColumns(bounds, columns, { maxGapMs: 30 * 60_000 });
      assert.equal(values[0], 7);
      assert.deepEqual(values.slice(19, 25), [6.5, null, null, null, null, 7]); // 05:00–06:00 empty; 04:45 has 14 of its minutes
    });
  });
});
