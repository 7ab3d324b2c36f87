// One history.get page as columns (item index, clock, ns, value) instead of one object per row:
// a week of minute values for a thousand items is ten million rows, and objects would dominate
// both the time and the memory of a read.

/** Rows of one history.get page; row i is (item[i], clock[i], ns[i], value[i]). */
export class HistoryColumns {
  n = 0;
  /** Position of the row's item in the requested id list; -1 for a row to leave out (not asked for, or a repeat). */
  item: Int32Array;
  /** Unix seconds. */
  clock: Float64Array;
  ns: Float64Array;
  /** NaN when the server's text is not a number (the text is then in `badText`). */
  value: Float64Array;
  /** The server's text of values that are not numbers, by row: rare, so kept apart. */
  readonly badText = new Map<number, string>();

  constructor(capacity = 1024) {
    this.item = new Int32Array(capacity);
    this.clock = new Float64Array(capacity);
    this.ns = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
  }

  reset(): void {
    this.n = 0;
    this.badText.clear();
  }

  push(item: number, clock: number, ns: number, value: number, text?: string): void {
    if (this.n === this.item.length) this.grow();
    const i = this.n++;
    this.item[i] = item;
    this.clock[i] = clock;
    this.ns[i] = ns;
    this.value[i] = value;
    if (text !== undefined) this.badText.set(i, text);
  }

  /** What identifies a row among those of one clock (to skip the repeats of a page boundary). */
  rowKey(i: number): string {
    const v = this.value[i];
    return `${this.item[i]}/${this.ns[i]}/${Number.isNaN(v) ? `?${this.badText.get(i) ?? ""}` : v}`;
  }

  /** Twice the room (the scanner fills the columns itself). */
  grow(): void {
    const size = this.item.length * 2;
    const more = <A extends Int32Array | Float64Array>(a: A, b: A): A => {
      b.set(a);
      return b;
    };
    this.item = more(this.item, new Int32Array(size));
    this.clock = more(this.clock, new Float64Array(size));
    this.ns = more(this.ns, new Float64Array(size));
    this.value = more(this.value, new Float64Array(size));
  }
}

/** Item ids -> their position in a request's id list. */
export class ItemIndex {
  private readonly byText: Map<string, number>;
  /** Ids written as plain decimal numbers, by value: the byte scanner looks them up without making a string. */
  readonly byNumber: Map<number, number> | undefined;
  /**
   * The id at each position as a number (NaN where a later position has the same id, which is the
   * one the maps give): rows come item after item, so the scanner first tries the position after
   * the last row's, with no map lookup.
   */
  readonly numbers: Float64Array | undefined;

  constructor(readonly ids: readonly string[]) {
    this.byText = new Map(ids.map((id, i) => [id, i]));
    const numeric = ids.every((id) => /^(0|[1-9]\d{0,14})$/.test(id));
    const byNumber = numeric ? new Map(ids.map((id, i) => [Number(id), i])) : undefined;
    this.byNumber = byNumber;
    this.numbers = byNumber && Float64Array.from(ids, (id, i) => (byNumber.get(Number(id)) === i ? Number(id) : NaN));
  }

  of(id: string): number {
    return this.byText.get(id) ?? -1;
  }
}
