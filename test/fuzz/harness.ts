// The fuzz harness shared by every parser: it feeds a parser mutations of valid samples (byte
// flips, truncation, line/field deletion and duplication, type swaps, huge/NaN/negative numbers,
// unicode) and random data, and checks three promises: the only failure is the parser's own
// typed error, no case takes longer than a bound (no hang), and no number in the output is NaN
// or ±Infinity. `npm test` runs a short pass per target; bench/fuzz.ts a long one.
import fc from "fast-check";

/** A valid input: text (JSON text is also mutated field by field) or an already parsed value. */
export type Sample = unknown;

export interface FuzzTarget {
  /** "area: function" — what the table and the failures name. */
  name: string;
  samples: readonly Sample[];
  /** Runs the parser on one (mutated) input; `sample` is the index of the sample it came from. */
  run(input: unknown, sample: number): unknown;
  /** The parser's typed error, said explicitly per parser (SourceError, DeviceMessageError …). */
  typed: { name: string; is(err: unknown): boolean };
  /** Bound per case in ms (default 1 000: a shared 2-core machine under a full test run stays well under it; a hang does not). */
  maxMs?: number;
  /** What random inputs may be: "text" (the parser takes a string; the default when every sample is one) or "any". */
  inputs?: "text" | "object" | "any";
  /** Extra random inputs besides the generic ones (e.g. random topics). */
  random?: fc.Arbitrary<unknown>;
  /** Paths of output numbers allowed to be NaN by contract (documented "bad value" markers). */
  allowNonFinite?: (path: string) => boolean;
  /**
   * Defects found and reported in code this branch may not change (another branch owns it): still
   * counted by the bench, not failed by `npm test`. Each names where it was reported.
   */
  knownDefects?: { message: RegExp; why: string }[];
  /** Starts what the target needs (a fake peer) and stops it. */
  before?(): Promise<void>;
  after?(): Promise<void>;
}

/** Error classes by constructor, for `typed`. */
export function typedError(...classes: (abstract new (...args: never[]) => Error)[]): FuzzTarget["typed"] {
  return { name: classes.map((c) => c.name).join(" | "), is: (err) => classes.some((c) => err instanceof c) };
}

// ---------------------------------------------------------------------------------------------
// Mutations

/** Text written verbatim by the JSON writer: numbers JSON.stringify cannot write (1e400, -0 …). */
class Raw {
  constructor(readonly text: string) {}
}
/** Marks a key that the JSON writer emits twice (a duplicated field). */
const DUP = "\u0000dup:";

const BIG_DIGITS = "9".repeat(400);
const LONG = "x".repeat(5000);

/** Values that break naive parsers: extreme numbers, numeric strings, wrong types, unicode. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, true, false, 0, -1, -0.5, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1, NaN, Infinity, -Infinity,
    "", " ", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "-1", "1e308", BIG_DIGITS, `-${BIG_DIGITS}`, "0x1F", "\u0000", "\uFFFD", "\uD800",
    "<", "&amp;", "]]>", "__proto__", "constructor", LONG, [], {}, [1, 2], { a: 1 }, [null], { __proto__: null },
    new Raw("1e400"), new Raw("-1e400"), new Raw(BIG_DIGITS), new Raw("-0"), new Raw("NaN"), new Raw("1.7976931348623157e308"),
  ),
  fc.integer(),
  fc.double(),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
);

/** The same number made extreme, keeping its representation (number stays number, text stays text). */
function extremeOf(v: number | string, pick: number): unknown {
  const n = typeof v === "number" ? v : Number(v);
  const variants = [-n, n * 1e300, -1e308, 1e308, NaN, Infinity, 0, -0, n + 0.5, Math.trunc(n) + 2 ** 53];
  const x = variants[pick % variants.length];
  if (typeof v === "number") return x;
  return pick % 3 === 0 ? BIG_DIGITS : String(x);
}

type Op =
  | { op: "delete" | "duplicate" | "swap" | "extreme"; at: number; value: unknown; pick: number }
  | { op: "flip" | "truncate" | "insert" | "cut" | "repeat" | "dropLine" | "repeatLine"; at: number; len: number; text: string };

const structuralOp: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom("delete" as const, "duplicate" as const, "swap" as const, "extreme" as const),
  at: fc.nat(),
  value: weirdValue,
  pick: fc.nat(),
});
const textOp: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom("flip" as const, "truncate" as const, "insert" as const, "cut" as const, "repeat" as const, "dropLine" as const, "repeatLine" as const),
  at: fc.nat(),
  len: fc.nat({ max: 64 }),
  text: fc.oneof(fc.string({ unit: "grapheme", maxLength: 8 }), fc.string({ unit: "binary", maxLength: 8 }), fc.constantFrom("\u0000", "\r\n", "}", "]", '"', "<", ">", "&", "!", "(")),
});

export type FuzzCase = { kind: "mutated"; sample: number; ops: Op[] } | { kind: "random"; sample: number; value: unknown };

/** Every place in a JSON value: [parent, key] pairs, depth first. */
function places(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), places(x, out)));
  else if (typeof v === "object" && v !== null && !(v instanceof Raw)) {
    for (const k of Object.keys(v)) {
      out.push([v as Record<string, unknown>, k]);
      places((v as Record<string, unknown>)[k], out);
    }
  }
  return out;
}

/**
 * A fresh copy of an op's value: fast-check hands the same constant objects ({a: 1}, [1, 2] …) to
 * every case, and a later op mutating one in place would corrupt the constant (even into a cycle).
 */
function fresh(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(fresh);
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto !== Object.prototype && proto !== null) return v; // a Buffer, a Date, a Raw token: as it is
  const out = Object.create(proto) as Record<string, unknown>;
  for (const k of Object.keys(v)) out[k] = fresh((v as Record<string, unknown>)[k]);
  return out;
}

function applyStructural(value: unknown, original: Extract<Op, { pick: number }>): unknown {
  const op = { ...original, value: fresh(original.value) };
  if (typeof value !== "object" || value === null) return op.op === "extreme" && (typeof value === "number" || typeof value === "string") ? extremeOf(value, op.pick) : op.value;
  const all = places(value);
  if (all.length === 0) return op.value;
  const [parent, key] = all[op.at % all.length];
  const current = (parent as Record<string | number, unknown>)[key];
  if (Array.isArray(parent)) {
    const i = key as number;
    if (op.op === "delete") parent.splice(i, 1);
    else if (op.op === "duplicate") parent.splice(i, 0, structuredCloneSafe(current));
    else if (op.op === "swap") parent[i] = op.value;
    else parent[i] = typeof current === "number" || typeof current === "string" ? extremeOf(current, op.pick) : op.value;
  } else {
    const k = key as string;
    if (op.op === "delete") delete parent[k];
    else if (op.op === "duplicate") parent[`${DUP}${k}`] = op.value;
    else if (op.op === "swap") parent[k] = op.value;
    else parent[k] = typeof current === "number" || typeof current === "string" ? extremeOf(current, op.pick) : op.value;
  }
  return value;
}

function structuredCloneSafe(v: unknown): unknown {
  return v instanceof Raw ? v : JSON.parse(JSON.stringify(v ?? null)) as unknown;
}

/** JSON text with Raw tokens verbatim and duplicated keys written twice. */
function writeJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "1e400" : "-1e400";
  if (Array.isArray(v)) return `[${v.map(writeJson).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const parts = Object.entries(v).map(([k, x]) => `${JSON.stringify(k.startsWith(DUP) ? k.slice(DUP.length) : k)}:${writeJson(x)}`);
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** The value a parser receives when the input is an object: Raw tokens read as JSON would read them. */
function readRaw(v: unknown): unknown {
  if (v instanceof Raw) return v.text === "NaN" ? NaN : Number(v.text);
  if (Array.isArray(v)) return v.map(readRaw);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!k.startsWith(DUP)) out[k] = readRaw(x);
    return out;
  }
  return v;
}

function applyText(s: string, op: Extract<Op, { len: number }>): string {
  const at = s.length ? op.at % (s.length + 1) : 0;
  switch (op.op) {
    case "flip": {
      if (!s.length) return op.text;
      const i = op.at % s.length;
      return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << op.len % 8)) + s.slice(i + 1);
    }
    case "truncate":
      return s.slice(0, at);
    case "insert":
      return s.slice(0, at) + op.text + s.slice(at);
    case "cut":
      return s.slice(0, at) + s.slice(at + op.len + 1);
    case "repeat":
      return s.slice(0, at + op.len) + s.slice(at, at + op.len) + s.slice(at + op.len);
    case "dropLine":
    case "repeatLine": {
      const lines = s.split("\n");
      const i = op.at % lines.length;
      if (op.op === "dropLine") lines.splice(i, 1);
      else lines.splice(i, 0, lines[i]);
      return lines.join("\n");
    }
  }
}

function parsedJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** The input a case stands for. Text samples that are JSON get field mutations, then text ones. */
export function materialize(target: FuzzTarget, c: FuzzCase): unknown {
  if (c.kind === "random") return fresh(c.value);
  const sample = target.samples[c.sample % target.samples.length];
  if (typeof sample !== "string") {
    let v: unknown = structuredCloneSafe(sample);
    for (const op of c.ops) if ("pick" in op) v = applyStructural(v, op);
    return readRaw(v);
  }
  let text = sample;
  const json = parsedJson(sample);
  const structural = c.ops.filter((op): op is Extract<Op, { pick: number }> => "pick" in op);
  if (json !== undefined && structural.length) {
    let v: unknown = json;
    for (const op of structural) v = applyStructural(v, op);
    text = writeJson(v);
  }
  for (const op of c.ops) if ("len" in op) text = applyText(text, op);
  return text;
}

const randomValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.json({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.anything({ maxDepth: 2 }),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  weirdValue,
);

const randomText: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.json({ maxDepth: 3 }),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a).toString("latin1")),
  fc.constantFrom("", " ", "null", "[]", "{}", "NaN", "1e400", "<", "<?xml version=\"1.0\"?>", "\u0000"),
);

const randomObject: fc.Arbitrary<unknown> = fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(weirdValue, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 16 });

export function caseArbitrary(target: FuzzTarget): fc.Arbitrary<FuzzCase> {
  const inputs = target.inputs ?? (target.samples.every((s) => typeof s === "string") ? "text" : "any");
  const base = inputs === "text" ? randomText : inputs === "object" ? randomObject : randomValue;
  const mutated = fc.record({
    kind: fc.constant("mutated" as const),
    sample: fc.nat(),
    ops: fc.array(fc.oneof(structuralOp, textOp), { minLength: 1, maxLength: 4 }),
  });
  const random = fc.record({ kind: fc.constant("random" as const), sample: fc.nat(), value: target.random ? fc.oneof(base, target.random) : base });
  // Mostly mutations: they get past the first checks and reach the deep code.
  return fc.oneof({ arbitrary: mutated, weight: 4 }, { arbitrary: random, weight: 1 });
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Paths of output numbers that are NaN or ±Infinity (and invalid Dates). */
export function nonFinite(v: unknown, path = "", seen = new Set<unknown>(), out: string[] = []): string[] {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) out.push(`${path || "(root)"} = ${v}`);
  } else if (v instanceof Date) {
    if (!Number.isFinite(v.getTime())) out.push(`${path || "(root)"} = Invalid Date`);
  } else if (typeof v === "object" && v !== null && !seen.has(v) && !Buffer.isBuffer(v)) {
    seen.add(v);
    const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
    for (const [k, x] of entries) nonFinite(x, `${path}${Array.isArray(v) ? `[${k}]` : `.${String(k)}`}`, seen, out);
  }
  return out;
}

const show = (v: unknown): string => {
  const s = typeof v === "string" ? JSON.stringify(v) : Buffer.isBuffer(v) ? `Buffer(${v.toString("hex")})` : (() => {
    try {
      return writeJson(v);
    } catch {
      return String(v);
    }
  })();
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

export interface Failure {
  /** Short, stable kind of failure (groups many cases of one defect). */
  signature: string;
  message: string;
  /** One of the target's knownDefects. */
  known?: boolean;
}

/** Runs one case; returns what went wrong, or null. */
export async function runCase(target: FuzzTarget, c: FuzzCase): Promise<Failure | null> {
  const input = materialize(target, c);
  const sample = c.sample % target.samples.length;
  const maxMs = target.maxMs ?? 1000;
  const started = performance.now();
  let output: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = target.run(input, sample);
    output = result instanceof Promise
      ? await Promise.race([result, new Promise((_, reject) => (timer = setTimeout(() => reject(new HangError(maxMs)), maxMs * 4)))])
      : result;
  } catch (err) {
    if (err instanceof HangError) return { signature: "hang", message: `${target.name}: no answer within ${maxMs * 4} ms for input ${show(input)}` };
    if (!target.typed.is(err)) {
      const e = err as Error;
      const where = (e?.stack ?? "").split("\n").find((l) => /lib\//.test(l))?.trim() ?? "";
      const known = target.knownDefects?.some((k) => k.message.test(String(e?.message ?? err)));
      return {
        known,
        signature: `${known ? "known: " : ""}${e?.name ?? typeof err}: ${String(e?.message ?? err).replace(/\d+/g, "N").slice(0, 60)} ${where}`,
        message: `${target.name}: threw ${e?.name ?? typeof err} (not ${target.typed.name}): ${String(e?.message ?? err)}\n  ${where}\n  input: ${show(input)}`,
      };
    }
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - started;
  if (ms > maxMs) return { signature: "slow", message: `${target.name}: took ${ms.toFixed(0)} ms (bound ${maxMs} ms) for input ${show(input)}` };
  const bad = nonFinite(output).filter((p) => !target.allowNonFinite?.(p));
  if (bad.length) return { signature: `non-finite ${bad[0].replace(/\[\d+\]/g, "[]").replace(/ = .*/, "")}`, message: `${target.name}: output holds ${bad.slice(0, 3).join(", ")} for input ${show(input)}` };
  return null;
}

class HangError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms * 4} ms`);
  }
}

/** Cases per target: FUZZ_RUNS, else 1 000 (the `npm test` pass). */
export function fuzzRuns(fallback = 1000): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A fixed seed per target (FNV-1a of its name). */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** One mocha test per target: fast-check finds a failing case and shrinks it. */
export function fuzzSuite(area: string, targets: readonly FuzzTarget[], runs = fuzzRuns()): void {
  describe(`fuzz: ${area}`, function () {
    this.timeout(60_000);
    for (const target of targets) {
      if (target.before) before(() => target.before?.());
      if (target.after) after(() => target.after?.());
      it(`${target.name}: ${runs} mutated and random inputs give a result or ${target.typed.name}, never NaN, fast`, async function () {
        await fc.assert(
          fc.asyncProperty(caseArbitrary(target), async (c) => {
            const failure = await runCase(target, c);
            if (failure && !failure.known) throw new Error(failure.message);
          }),
          // The same cases at every `npm test` (a CI run never fails on a new random draw); FUZZ_SEED
          // and bench/fuzz draw others.
          { numRuns: runs, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : seedOf(target.name) },
        );
      });
    }
  });
}

export interface FuzzCount {
  cases: number;
  ms: number;
  /** Distinct failures by signature, with one example each. */
  failures: Map<string, { count: number; example: string }>;
}

/** Runs `runs` cases without stopping at the first failure (for the bench table). */
export async function fuzzCount(target: FuzzTarget, runs: number, seed = 1): Promise<FuzzCount> {
  const failures: FuzzCount["failures"] = new Map();
  const arb = caseArbitrary(target);
  const started = performance.now();
  let done = 0;
  for (let batch = 0; done < runs; batch++) {
    const n = Math.min(5000, runs - done);
    for (const c of fc.sample(arb, { numRuns: n, seed: seed + batch })) {
      const f = await runCase(target, c);
      if (f) {
        const seen = failures.get(f.signature);
        if (seen) seen.count++;
        else failures.set(f.signature, { count: 1, example: f.message });
      }
    }
    done += n;
  }
  return { cases: done, ms: performance.now() - started, failures };
}
