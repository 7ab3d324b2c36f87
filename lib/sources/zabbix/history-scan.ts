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
const LETTER_C = 0x63;
const LETTER_I = 0x69;
const LETTER_N = 0x6e;
const LETTER_V = 0x76;

const HEAD_RESULT = '{"jsonrpc":"2.0","result":[';
const HEAD_ID = '{"jsonrpc":"2.0","id":';
const RESULT_AFTER_ID = ',"result":[';
const TAIL_ID = '],"id":';

const KEY_ITEMID = '"itemid":"';
const KEY_CLOCK = '"clock":"';
const KEY_VALUE = '"value":"';
const KEY_NS = '"ns":"';

/** 10^k for k ≤ 22: exact doubles, so digits / 10^k is one correctly rounded division. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Digits of a JSON id (the envelope's "id"): where they end, or -1. */
function digitsEnd(b: string, at: number, end: number): number {
  let i = at;
  while (i < end && b.charCodeAt(i) >= ZERO && b.charCodeAt(i) <= NINE) i++;
  return i > at ? i : -1;
}

/**
 * The rows of a history.get answer into `out`; false when the envelope is not the compact history.get answer.
 * `out` is filled from its current length; on false, its content is to be thrown away.
 */
export function scanHistoryAnswer(body: Buffer, ids: ItemIndex, out: HistoryColumns): boolean {
  const byNumber = ids.byNumber;
  if (!byNumber) return false;
  // Latin-1 maps each byte to one character: a plain copy, and the scan below reads src.
  // (Bytes of 0x80 and above only appear in a value, which is then decoded as UTF-8.)
  const src = body.toString("latin1");
  const len = src.length;
  let pos: number;
  let rowsEnd: number;
  if (src.startsWith(HEAD_RESULT, 0)) {
    // …],"id":123}
    if (len < 2 || src.charCodeAt(len - 1) !== CLOSE_BRACE) return false;
    let i = len - 2;
    while (i > 0 && src.charCodeAt(i) >= ZERO && src.charCodeAt(i) <= NINE) i--;
    const idStart = i + 1;
    if (idStart > len - 2 || (src.charCodeAt(idStart) === ZERO && idStart < len - 2) || !src.startsWith(TAIL_ID, i - TAIL_ID.length + 1)) return false;
    pos = HEAD_RESULT.length;
    rowsEnd = i - TAIL_ID.length + 1;
  } else if (src.startsWith(HEAD_ID, 0)) {
    // {"jsonrpc":"2.0","id":123,"result":[…]}
    const idEnd = digitsEnd(src, HEAD_ID.length, len);
    if (idEnd < 0 || (src.charCodeAt(HEAD_ID.length) === ZERO && idEnd > HEAD_ID.length + 1) || !src.startsWith(RESULT_AFTER_ID, idEnd)) return false;
    if (len < 2 || src.charCodeAt(len - 1) !== CLOSE_BRACE || src.charCodeAt(len - 2) !== CLOSE_BRACKET) return false;
    pos = idEnd + RESULT_AFTER_ID.length;
    rowsEnd = len - 2;
  } else return false;
  if (rowsEnd < pos) return false;
  if (pos === rowsEnd) return true; // no rows
  for (;;) {
    if (src.charCodeAt(pos) !== OPEN_BRACE) return false;
    pos++;
    let item = -2;
    let clock = -1;
    let ns = 0;
    let value = NaN;
    let text: string | undefined;
    let seen = 0; // bits: 1 itemid, 2 clock, 4 value, 8 ns
    for (;;) {
      // The key's first letter picks the one key to compare in full.
      const first = src.charCodeAt(pos + 1);
      if (first === LETTER_C && src.startsWith(KEY_CLOCK, pos)) {
        if (seen & 2) return false;
        seen |= 2;
        pos += KEY_CLOCK.length;
        const start = pos;
        let n = 0;
        while (pos < rowsEnd && src.charCodeAt(pos) >= ZERO && src.charCodeAt(pos) <= NINE) n = n * 10 + (src.charCodeAt(pos++) - ZERO);
        if (pos === start || pos - start > 15 || src.charCodeAt(pos) !== QUOTE) return false;
        clock = n;
        pos++;
      } else if (first === LETTER_V && src.startsWith(KEY_VALUE, pos)) {
        if (seen & 4) return false;
        seen |= 4;
        pos += KEY_VALUE.length;
        const start = pos;
        const parsed = decimal(src, pos, rowsEnd);
        if (parsed >= 0) {
          pos = parsed;
          value = lastDecimal;
          text = undefined;
        } else {
          // Not a plain decimal: find the string's end (skipping escapes) and read it as the JSON path would.
          let escaped = false;
          let ascii = true;
          while (pos < rowsEnd && src.charCodeAt(pos) !== QUOTE) {
            const c = src.charCodeAt(pos);
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
              raw = JSON.parse(body.toString("utf8", start - 1, pos + 1)) as string;
            } catch {
              return false;
            }
          } else raw = src.substring(start, pos);
          value = raw.trim() === "" ? NaN : Number(raw);
          text = Number.isFinite(value) ? undefined : raw;
          if (!Number.isFinite(value)) value = NaN;
        }
        pos++;
      } else if (first === LETTER_I && src.startsWith(KEY_ITEMID, pos)) {
        if (seen & 1) return false;
        seen |= 1;
        pos += KEY_ITEMID.length;
        const start = pos;
        let n = 0;
        while (pos < rowsEnd && src.charCodeAt(pos) >= ZERO && src.charCodeAt(pos) <= NINE) n = n * 10 + (src.charCodeAt(pos++) - ZERO);
        // Only ids written the canonical way ("0" or no leading zero): others are another item's text.
        if (pos === start || pos - start > 15 || src.charCodeAt(pos) !== QUOTE || (src.charCodeAt(start) === ZERO && pos - start > 1)) return false;
        item = byNumber.get(n) ?? -1;
        pos++;
      } else if (first === LETTER_N && src.startsWith(KEY_NS, pos)) {
        if (seen & 8) return false;
        seen |= 8;
        pos += KEY_NS.length;
        const start = pos;
        let n = 0;
        while (pos < rowsEnd && src.charCodeAt(pos) >= ZERO && src.charCodeAt(pos) <= NINE) n = n * 10 + (src.charCodeAt(pos++) - ZERO);
        if (pos === start || pos - start > 15 || src.charCodeAt(pos) !== QUOTE) return false;
        ns = n;
        pos++;
      } else return false;
      const c = src.charCodeAt(pos++);
      if (c === COMMA) continue;
      if (c === CLOSE_BRACE) break;
      return false;
    }
    if ((seen & 7) !== 7) return false;
    out.push(item, clock, ns, value, text);
    if (pos === rowsEnd) return true;
    if (src.charCodeAt(pos) !== COMMA || pos + 1 >= rowsEnd) return false;
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
function decimal(b: string, at: number, end: number): number {
  let i = at;
  const negative = b.charCodeAt(i) === MINUS;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let frac = 0;
  const intStart = i;
  while (i < end && b.charCodeAt(i) >= ZERO && b.charCodeAt(i) <= NINE) {
    m = m * 10 + (b.charCodeAt(i++) - ZERO);
    digits++;
  }
  if (i === intStart) return -1;
  if (b.charCodeAt(i) === DOT) {
    i++;
    const fracStart = i;
    while (i < end && b.charCodeAt(i) >= ZERO && b.charCodeAt(i) <= NINE) {
      m = m * 10 + (b.charCodeAt(i++) - ZERO);
      digits++;
    }
    frac = i - fracStart;
    if (frac === 0) return -1;
  }
  if (digits > 15 || i >= end || b.charCodeAt(i) !== QUOTE) return -1;
  const v = frac ? m / POW10[frac] : m;
  lastDecimal = negative ? -v : v;
  return i;
}
