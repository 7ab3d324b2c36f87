// The worker's idle warm-up (lib/placement/warm-up.ts): one sample solve at a time, a request that
// arrives during one stops it before the next, and neither its budget nor a failure is exceeded.
import { strict as assert } from "node:assert";
import { MessageChannel } from "node:worker_threads";
import { warmUp } from "../../../lib/placement/warm-up";

/** A synchronous "solve" of `ms` milliseconds, as HiGHS's are. */
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("lib/placement warm-up", function () {
  it("runs every size in order when nothing stops it", async function () {
    const seen: [number, number][] = [];
    const count = await warmUp((size, k) => seen.push([size, k]), [100, 300, 1000], 10_000, () => false);
    assert.equal(count, 3);
    assert.deepEqual(seen, [[100, 0], [300, 1], [1000, 2]]);
  });

  it("a message that arrives during a solve (as a request on the worker's port) stops it before the next one", async function () {
    const { port1, port2 } = new MessageChannel();
    let requested = false;
    port2.on("message", () => (requested = true));
    try {
      const count = await warmUp(
        (_size, k) => {
          if (k === 1) port1.postMessage("request"); // arrives while this solve runs
          busy(20);
        },
        [1, 2, 3, 4, 5],
        10_000,
        () => requested,
      );
      assert.equal(count, 2, "the solve under way finishes, no other starts");
    } finally {
      port1.close();
      port2.close();
    }
  });

  it("stops once its budget is spent, and ends quietly at a failing solve", async function () {
    const sizes = Array.from({ length: 20 }, (_, i) => i);
    const count = await warmUp(() => busy(30), sizes, 75, () => false);
    // Solves start at about 0, 30 and 60 ms; the fourth would start after 75 ms.
    assert.ok(count >= 2 && count <= 4, `${count} solves within a 75 ms budget`);
    const failing = await warmUp(
      (_size, k) => {
        if (k === 1) throw new Error("no memory");
      },
      sizes,
      10_000,
      () => false,
    );
    assert.equal(failing, 2);
  });
});
