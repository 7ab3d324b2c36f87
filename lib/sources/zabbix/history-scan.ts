// A byte scanner for the one answer that is large: history.get rows
//   {"jsonrpc":"2.0","result":[{"itemid":"23456","clock":"1714600012","value":"812.4"},…],"id":3}
// read straight into columns, with no JSON tree and no string per field. It knows only this
// compact shape (fields in any order, "ns" optional, every field a JSON string); for anything
// else (an error object, numbers instead of strings, whitespace, a truncated body …) it returns
// false and the caller parses the body with JSON.parse, so errors stay those of the JSON path.
import type { HistoryColumns, ItemIndex } from "./history-columns";

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

const HEAD_RESULT = Buffer.from('{"jsonrpc":"2.0","result":[', "latin1");
const HEAD_ID = Buffer.from('{"jsonrpc":"2.0","id":', "latin1");
const RESULT_AFTER_ID = Buffer.from(',"result":[', "latin1");
const TAIL_ID = Buffer.from('],"id":', "latin1");

const KEY_ITEMID = Buffer.from('"itemid":"', "latin1");
const KEY_CLOCK = Buffer.from('"clock":"', "latin1");
const KEY_VALUE = Buffer.from('"value":"', "latin1");
const KEY_NS = Buffer.from('"ns":"', "latin1");

/** 10^k for k ≤ 22: exact doubles, so digits / 10^k is one correctly rounded division. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

function startsWith(b: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at < 0 || at + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if (b[at + i] !== word[i]) return false;
  return true;
}

/** Digits of a JSON id (the envelope's "id"): where they end, or -1. */
function digitsEnd(b: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && b[i] >= ZERO && b[i] <= NINE) i++;
  return i > at ? i : -1;
}

/**
 * The rows between `[` and `]`; false when the envelope is not the compact history.get answer.
 * `out` is filled from its current length; on false, its content is to be thrown away.
 */
export function scanHistoryAnswer(bytes: Uint8Array, ids: ItemIndex, out: HistoryColumns): boolean {
  const byNumber = ids.byNumber;
  if (!byNumber) return false;
  const len = bytes.length;
  let pos: number;
  let rowsEnd: number;
  if (startsWith(bytes, 0, HEAD_RESULT)) {
    // …],"id":123}
    if (len < 2 || bytes[len - 1] !== CLOSE_BRACE) return false;
    let i = len - 2;
    while (i > 0 && bytes[i] >= ZERO && bytes[i] <= NINE) i--;
    const idStart = i + 1;
    if (idStart > len - 2 || (bytes[idStart] === ZERO && idStart < len - 2) || !startsWith(bytes, i - TAIL_ID.length + 1, TAIL_ID)) return false;
    pos = HEAD_RESULT.length;
    rowsEnd = i - TAIL_ID.length + 1;
  } else if (startsWith(bytes, 0, HEAD_ID)) {
    // {"jsonrpc":"2.0","id":123,"result":[…]}
    const idEnd = digitsEnd(bytes, HEAD_ID.length, len);
    if (idEnd < 0 || (bytes[HEAD_ID.length] === ZERO && idEnd > HEAD_ID.length + 1) || !startsWith(bytes, idEnd, RESULT_AFTER_ID)) return false;
    if (len < 2 || bytes[len - 1] !== CLOSE_BRACE || bytes[len - 2] !== CLOSE_BRACKET) return false;
    pos = idEnd + RESULT_AFTER_ID.length;
    rowsEnd = len - 2;
  } else return false;
  if (rowsEnd < pos) return false;
  if (pos === rowsEnd) return true; // no rows
  for (;;) {
    if (bytes[pos] !== OPEN_BRACE) return false;
    pos++;
    let item = -2;
    let clock = -1;
    let ns = 0;
    let value = NaN;
    let text: string | undefined;
    let seen = 0; // bits: 1 itemid, 2 clock, 4 value, 8 ns
    for (;;) {
      if (startsWith(bytes, pos, KEY_CLOCK)) {
        if (seen & 2) return false;
        seen |= 2;
        pos += KEY_CLOCK.length;
        const start = pos;
        let n = 0;
        while (pos < rowsEnd && bytes[pos] >= ZERO && bytes[pos] <= NINE) n = n * 10 + (bytes[pos++] - ZERO);
        if (pos === start || pos - start > 15 || bytes[pos] !== QUOTE) return false;
        clock = n;
        pos++;
      } else if (startsWith(bytes, pos, KEY_VALUE)) {
        if (seen & 4) return false;
        seen |= 4;
        pos += KEY_VALUE.length;
        const start = pos;
        const parsed = decimal(bytes, pos, rowsEnd);
        if (parsed >= 0) {
          pos = parsed;
          value = lastDecimal;
          text = undefined;
        } else {
          // Not a plain decimal: find the string's end (skipping escapes) and read it as the JSON path would.
          let escaped = false;
          let ascii = true;
          while (pos < rowsEnd && bytes[pos] !== QUOTE) {
            const c = bytes[pos];
            if (c === BACKSLASH) {
              escaped = true;
              pos++;
            } else if (c < 0x20 || c > 0x7e) ascii = false;
            pos++;
          }
          if (pos >= rowsEnd) return false;
          let raw: string;
          if (escaped || !ascii) {
            try {
              raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + start - 1, pos - start + 2).toString("utf8")) as string;
            } catch {
              return false;
            }
          } else raw = Buffer.from(bytes.buffer, bytes.byteOffset + start, pos - start).toString("latin1");
          value = raw.trim() === "" ? NaN : Number(raw);
          text = Number.isFinite(value) ? undefined : raw;
          if (!Number.isFinite(value)) value = NaN;
        }
        pos++;
      } else if (startsWith(bytes, pos, KEY_ITEMID)) {
        if (seen & 1) return false;
        seen |= 1;
        pos += KEY_ITEMID.length;
        const start = pos;
        let n = 0;
        while (pos < rowsEnd && bytes[pos] >= ZERO && bytes[pos] <= NINE) n = n * 10 + (bytes[pos++] - ZERO);
        // Only ids written the canonical way ("0" or no leading zero): others are another item's text.
        if (pos === start || pos - start > 15 || bytes[pos] !== QUOTE || (bytes[start] === ZERO && pos - start > 1)) return false;
        item = byNumber.get(n) ?? -1;
        pos++;
      } else if (startsWith(bytes, pos, KEY_NS)) {
        if (seen & 8) return false;
        seen |= 8;
        pos += KEY_NS.length;
        const start = pos;
        let n = 0;
        while (pos < rowsEnd && bytes[pos] >= ZERO && bytes[pos] <= NINE) n = n * 10 + (bytes[pos++] - ZERO);
        if (pos === start || pos - start > 15 || bytes[pos] !== QUOTE) return false;
        ns = n;
        pos++;
      } else return false;
      const c = bytes[pos++];
      if (c === COMMA) continue;
      if (c === CLOSE_BRACE) break;
      return false;
    }
    if ((seen & 7) !== 7) return false;
    out.push(item, clock, ns, value, text);
    if (pos === rowsEnd) return true;
    if (bytes[pos] !== COMMA || pos + 1 >= rowsEnd) return false;
    pos++;
  }
}

/** The value of the last successful `decimal` call (a second return value without an allocation). */
let lastDecimal = 0;

/**
 * `-?digits(.digits)?"` with at most 15 digits in all: the position after the closing quote minus
 * one (the quote's position), the number in `lastDecimal`; -1 for anything else. Up to 15 digits
 * the integer is exact and 10^k is exact, so the division gives what Number() gives.
 */
function decimal(b: Uint8Array, at: number, end: number): number {
  let i = at;
  const negative = b[i] === MINUS;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let frac = 0;
  const intStart = i;
  while (i < end && b[i] >= ZERO && b[i] <= NINE) {
    m = m * 10 + (b[i++] - ZERO);
    digits++;
  }
  if (i === intStart) return -1;
  if (b[i] === DOT) {
    i++;
    const fracStart = i;
    while (i < end && b[i] >= ZERO && b[i] <= NINE) {
      m = m * 10 + (b[i++] - ZERO);
      digits++;
    }
    frac = i - fracStart;
    if (frac === 0) return -1;
  }
  if (digits > 15 || i >= end || b[i] !== QUOTE) return -1;
  const v = frac ? m / POW10[frac] : m;
  lastDecimal = negative ? -v : v;
  return i;
}
