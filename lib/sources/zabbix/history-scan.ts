// A scanner for the one answer that is large: history.get rows
//   {"jsonrpc":"2.0","result":[{"itemid":"23456","clock":"1714600012","value":"812.4"},…],"id":3}
// read from the body's bytes straight into columns, with no JSON tree and no string per field.
// It knows only this compact shape (fields in any order, "ns" optional, every field a JSON
// string); for anything else (an error object, numbers instead of strings, whitespace, a
// truncated body …) it returns false and the caller parses the body with JSON.parse, so
// results and errors stay those of the JSON path.
import { decimalResult, readDecimal } from "./decimal";
import type { HistoryColumns, ItemIndex } from "./history-columns";

// Bound once: a transpiled import (tsx, which runs the tests and benchmarks) is a getter call at
// each use, twice a row here.
const readNumber = readDecimal;
const numberRead = decimalResult;

const QUOTE = 0x22;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const LETTER_C = 0x63;
const LETTER_I = 0x69;
const LETTER_N = 0x6e;
const LETTER_V = 0x76;

const ascii = (text: string) => Buffer.from(text, "latin1");
const HEAD_RESULT = ascii('{"jsonrpc":"2.0","result":[');
const HEAD_ID = ascii('{"jsonrpc":"2.0","id":');
const RESULT_AFTER_ID = ascii(',"result":[');
const TAIL_ID = ascii('],"id":');

/** A field's key (4 to 12 bytes) as little-endian words: its first, second and last four bytes. */
interface Key {
  length: number;
  w0: number;
  w1: number;
  wEnd: number;
}

function key(text: string): Key {
  const bytes = ascii(text);
  if (bytes.length < 4 || bytes.length > 12) throw new RangeError(`key ${text}: 4 to 12 bytes`);
  return { length: bytes.length, w0: bytes.readUInt32LE(0), w1: bytes.length > 8 ? bytes.readUInt32LE(4) : 0, wEnd: bytes.readUInt32LE(bytes.length - 4) };
}

const KEY_ITEMID = key('"itemid":"');
const KEY_CLOCK = key('"clock":"');
const KEY_VALUE = key('"value":"');
const KEY_NS = key('"ns":"');

/** The key's bytes at `at`: three overlapping words at most, no byte loop. */
function keyAt(dv: DataView, b: Uint8Array, at: number, k: Key): boolean {
  if (at + k.length > b.length) return false;
  return dv.getUint32(at, true) === k.w0 && dv.getUint32(at + k.length - 4, true) === k.wEnd && (k.length <= 8 || dv.getUint32(at + 4, true) === k.w1);
}

/** The `length` bytes at `at` are those at `from` (four at a time, the last word overlapping). */
function sameBytes(dv: DataView, b: Uint8Array, at: number, from: number, length: number): boolean {
  if (length < 4) {
    for (let i = 0; i < length; i++) if (b[at + i] !== b[from + i]) return false;
    return true;
  }
  for (let i = 0; i + 4 < length; i += 4) if (dv.getUint32(at + i, true) !== dv.getUint32(from + i, true)) return false;
  return dv.getUint32(at + length - 4, true) === dv.getUint32(from + length - 4, true);
}

function startsWith(b: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at < 0 || at + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if (b[at + i] !== word[i]) return false;
  return true;
}

/** End of the digits from `at` (at most 15 of them), or -1 when there are none, too many, or no closing quote. */
function digitsThenQuote(b: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && b[i] >= ZERO && b[i] <= NINE) i++;
  return i === at || i - at > 15 || i >= end || b[i] !== QUOTE ? -1 : i;
}

/** The integer written by the digits in [from, to) (at most 15 digits: exact). */
function integerOf(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (b[i] - ZERO);
  return n;
}

/** A JSON id (digits, no leading zero) in [from, to)? */
function isIdNumber(b: Uint8Array, from: number, to: number): boolean {
  if (to <= from || (b[from] === ZERO && to - from > 1)) return false;
  for (let i = from; i < to; i++) if (b[i] < ZERO || b[i] > NINE) return false;
  return true;
}

/** [first row, end of rows) of the compact envelope, or undefined. */
function rowsOf(b: Uint8Array): [number, number] | undefined {
  const len = b.length;
  if (len < 2 || b[len - 1] !== CLOSE_BRACE) return undefined;
  if (startsWith(b, 0, HEAD_RESULT)) {
    // …],"id":123}
    let i = len - 2;
    while (i > 0 && b[i] >= ZERO && b[i] <= NINE) i--;
    const rowsEnd = i - TAIL_ID.length + 1;
    if (!isIdNumber(b, i + 1, len - 1) || !startsWith(b, rowsEnd, TAIL_ID) || rowsEnd < HEAD_RESULT.length) return undefined;
    return [HEAD_RESULT.length, rowsEnd];
  }
  if (startsWith(b, 0, HEAD_ID)) {
    // {"jsonrpc":"2.0","id":123,"result":[…]}
    let i = HEAD_ID.length;
    while (i < len && b[i] >= ZERO && b[i] <= NINE) i++;
    if (!isIdNumber(b, HEAD_ID.length, i) || !startsWith(b, i, RESULT_AFTER_ID) || b[len - 2] !== CLOSE_BRACKET) return undefined;
    const first = i + RESULT_AFTER_ID.length;
    return first <= len - 2 ? [first, len - 2] : undefined;
  }
  return undefined;
}

/** What Number() makes of a value's text, as the JSON path reads it (blank is not a number). */
function numberOf(text: string): number {
  const v = text.trim() === "" ? NaN : Number(text);
  return Number.isFinite(v) ? v : NaN;
}

/**
 * The rows of a history.get answer into `out`; false when the body is not the compact answer.
 * `out` is filled from its current length; on false, what was added is to be thrown away.
 */
export function scanHistoryAnswer(body: Buffer, ids: ItemIndex, out: HistoryColumns): boolean {
  const byNumber = ids.byNumber;
  const numbers = ids.numbers;
  if (!byNumber || !numbers) return false;
  const count = numbers.length;
  const span = rowsOf(body);
  if (!span) return false;
  const b = body;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  let pos = span[0];
  const end = span[1];
  if (pos === end) return true; // no rows
  // The last row's item position and clock digits: the next row is most often the next item at the same clock.
  let lastItem = -1;
  let lastClockAt = 0;
  let lastClockLength = 0;
  let lastClock = 0;
  for (;;) {
    if (b[pos] !== OPEN_BRACE) return false;
    pos++;
    let item = -1;
    let clock = 0;
    let ns = 0;
    let value = NaN;
    let text: string | undefined;
    let seen = 0; // bits: 1 itemid, 2 clock, 4 value, 8 ns
    for (;;) {
      // The key's first letter picks the one key to compare in full.
      const first = b[pos + 1];
      if (first === LETTER_C && !(seen & 2) && keyAt(dv, b, pos, KEY_CLOCK)) {
        seen |= 2;
        pos += KEY_CLOCK.length;
        const start = pos;
        if (lastClockLength > 0 && pos + lastClockLength < end && b[pos + lastClockLength] === QUOTE && sameBytes(dv, b, pos, lastClockAt, lastClockLength)) {
          // The last row's digits, then the closing quote: the same second, read already.
          clock = lastClock;
          pos += lastClockLength + 1;
        } else {
          // Unix seconds: digits then the closing quote (at most 15 digits, so the integer is exact).
          let n = 0;
          let c = b[pos];
          while (c >= ZERO && c <= NINE && pos < end) {
            n = n * 10 + (c - ZERO);
            c = b[++pos];
          }
          if (pos === start || pos - start > 15 || pos >= end || c !== QUOTE) return false;
          clock = n;
          lastClock = n;
          lastClockAt = start;
          lastClockLength = pos - start;
          pos++;
        }
      } else if (first === LETTER_V && !(seen & 4) && keyAt(dv, b, pos, KEY_VALUE)) {
        seen |= 4;
        pos += KEY_VALUE.length;
        const start = pos;
        const stop = readNumber(b, pos, end);
        if (stop >= 0 && b[stop] === QUOTE) {
          value = numberRead.value;
          text = undefined;
          pos = stop + 1;
        } else {
          // Not a plain decimal: find the string's end (past escapes) and read it as the JSON path would.
          let plain = true;
          while (pos < end && b[pos] !== QUOTE) {
            const c = b[pos];
            if (c === BACKSLASH) {
              plain = false;
              pos++;
            } else if (c < 0x20 || c > 0x7e) plain = false;
            pos++;
          }
          if (pos >= end) return false;
          let raw: string;
          if (plain) raw = b.toString("latin1", start, pos);
          else {
            try {
              raw = JSON.parse(b.toString("utf8", start - 1, pos + 1)) as string;
            } catch {
              return false;
            }
          }
          value = numberOf(raw);
          text = Number.isNaN(value) ? raw : undefined;
          pos++;
        }
      } else if (first === LETTER_I && !(seen & 1) && keyAt(dv, b, pos, KEY_ITEMID)) {
        seen |= 1;
        pos += KEY_ITEMID.length;
        const start = pos;
        let id = 0;
        let c = b[pos];
        while (c >= ZERO && c <= NINE && pos < end) {
          id = id * 10 + (c - ZERO);
          c = b[++pos];
        }
        // Only ids written the canonical way ("0" or no leading zero, at most 15 digits) are looked up by number.
        if (pos === start || pos - start > 15 || pos >= end || c !== QUOTE || (b[start] === ZERO && pos - start > 1)) return false;
        pos++;
        const next = lastItem + 1 < count ? lastItem + 1 : 0;
        if (count > 0 && numbers[next] === id) item = next;
        // A small integer key (most ids): the lookup needs no boxed number.
        else item = (id <= 0x3fffffff ? byNumber.get(id | 0) : byNumber.get(id)) ?? -1;
        if (item >= 0) lastItem = item;
      } else if (first === LETTER_N && !(seen & 8) && keyAt(dv, b, pos, KEY_NS)) {
        seen |= 8;
        pos += KEY_NS.length;
        const stop = digitsThenQuote(b, pos, end);
        if (stop < 0) return false;
        ns = integerOf(b, pos, stop);
        pos = stop + 1;
      } else return false;
      const c = b[pos++];
      if (c === COMMA) continue;
      if (c === CLOSE_BRACE) break;
      return false;
    }
    if ((seen & 7) !== 7) return false;
    // out.push, written out: a call would box the two doubles of every row.
    if (out.n === out.item.length) out.grow();
    const at = out.n++;
    out.item[at] = item;
    out.clock[at] = clock;
    out.ns[at] = ns;
    out.value[at] = value;
    if (text !== undefined) out.badText.set(at, text);
    if (pos === end) return true;
    if (b[pos] !== COMMA || pos + 1 >= end) return false;
    pos++;
  }
}
