// keepListening: back-off between attempts, one catch-up read after an outage, nothing after stop.
// The Coordination here is a hand-made one whose onPlan can be broken at will; the real LISTEN
// connection is exercised in test/nodes/elfe-coordination.test.ts on PostgreSQL.
import { strict as assert } from "node:assert";
import { keepListening, type Coordination, type PlanNotice } from "../../../lib/coordination";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A coordination whose subscriptions can be broken; `failOpens` first opens are refused. */
function fakeCoordination(failOpens: number) {
  let opens = 0;
  const subscribed: { listener: (n: PlanNotice) => void; onLost?: (err: Error) => void; stopped: boolean }[] = [];
  const coordination = {
    async onPlan(listener: (n: PlanNotice) => void, onLost?: (err: Error) => void) {
      const s = { listener, onLost, stopped: false };
      subscribed.push(s);
      return async () => void (s.stopped = true);
    },
  } as unknown as Coordination;
  const open = async () => {
    opens++;
    if (opens <= failOpens) throw new Error(`refused ${opens}`);
    return coordination;
  };
  return { open, subscribed, opens: () => opens };
}

describe("coordination: keepListening", function () {
  it("tries again with a doubling back-off, then reads once to catch up, then passes notices", async function () {
    const fake = fakeCoordination(2);
    const errors: [string, number][] = [];
    const got: (PlanNotice | null)[] = [];
    const stop = keepListening(fake.open, (n) => got.push(n), { minDelayMs: 50, onError: (e, a) => errors.push([e.message, a]) });
    await sleep(25);
    assert.deepEqual(errors, [["refused 1", 1]]);
    await sleep(50);
    assert.deepEqual(errors, [["refused 1", 1], ["refused 2", 2]], "second attempt after 50 ms");
    await sleep(50);
    assert.equal(fake.opens(), 2, "third attempt waits 100 ms");
    await sleep(75);
    assert.equal(fake.subscribed.length, 1);
    assert.deepEqual(got, [null], "one catch-up read");
    const notice = { schema: null, firstValidTimestamp: 1, resultType: 0 };
    fake.subscribed[0].listener(notice);
    assert.deepEqual(got, [null, notice]);
    await stop();
    assert.equal(fake.subscribed[0].stopped, true);
  });

  it("a broken subscription is reported as the first failure of an outage and renewed once; no catch-up read on the first subscription", async function () {
    const fake = fakeCoordination(0);
    const errors: number[] = [];
    const got: (PlanNotice | null)[] = [];
    const stop = keepListening(fake.open, (n) => got.push(n), { minDelayMs: 10, onError: (_e, a) => errors.push(a) });
    await sleep(5);
    assert.deepEqual(got, []);
    fake.subscribed[0].onLost!(new Error("gone"));
    fake.subscribed[0].onLost!(new Error("gone again")); // however often it complains: one renewal
    await sleep(30);
    assert.deepEqual(errors, [1]);
    assert.deepEqual(got, [null], "the catch-up read after the renewal");
    assert.equal(fake.subscribed.length, 2);
    await stop();
  });

  it("stopped while waiting to try again: never opens again", async function () {
    const fake = fakeCoordination(100);
    const stop = keepListening(fake.open, () => undefined, { minDelayMs: 20 });
    await sleep(5);
    await stop();
    await sleep(60);
    assert.equal(fake.opens(), 1);
  });
});
