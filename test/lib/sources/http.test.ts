import { strict as assert } from "node:assert";
import { SourceError } from "../../../lib/sources/errors";
import { excerpt, httpOk, httpRequest, parseJson, safeUrl } from "../../../lib/sources/http";
import { fakeServer, sendJson, type FakeServer } from "../../support/fake-http";

describe("lib/sources/http", function () {
  let server: FakeServer | undefined;
  afterEach(async () => server?.close());

  /** A server that drops (closes without answering) the next `drops` requests, and notes each request's client port. */
  async function dropping() {
    const state = { drops: 0, ports: [] as number[] };
    server = await fakeServer((req, res) => {
      state.ports.push(res.socket?.remotePort ?? 0);
      if (state.drops > 0) {
        state.drops--;
        res.socket?.destroy();
        return;
      }
      sendJson(res, { n: state.ports.length });
    });
    return state;
  }

  it("sends again once, on a fresh connection, when a reused kept-alive connection is closed before any answer", async function () {
    const state = await dropping();
    const url = `${server!.url}/values?token=SECRET`;
    const first = await httpRequest({ source: "test", url, timeoutMs: 2000 });
    assert.equal(first.status, 200);
    state.drops = 1;
    const second = await httpRequest({ source: "test", url, method: "POST", body: "{}", timeoutMs: 2000 });
    assert.deepEqual([second.status, JSON.parse(second.body)], [200, { n: 3 }]);
    assert.equal(state.ports.length, 3);
    assert.equal(state.ports[1], state.ports[0], "the dropped request went over the kept-alive connection");
    assert.notEqual(state.ports[2], state.ports[1], "the second attempt opened a new connection");
  });

  it("retries only once, and never a request on a fresh connection", async function () {
    const state = await dropping();
    const url = `${server!.url}/values?token=SECRET`;
    await httpRequest({ source: "test", url, timeoutMs: 2000 });
    state.drops = 2;
    const err = await httpRequest({ source: "test", url, timeoutMs: 2000 }).then(
      () => assert.fail("did not reject"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SourceError);
    assert.equal(err.code, "unreachable");
    assert.match(err.message, /^test: http:\/\/127\.0\.0\.1:\d+\/values: ECONNRESET$/);
    assert.equal(state.ports.length, 3, "the first request, then the dropped one and its single retry");

    await server!.close();
    const fresh = await dropping();
    fresh.drops = 5;
    await assert.rejects(httpRequest({ source: "test", url: `${server!.url}/x`, timeoutMs: 2000 }), (e: unknown) => e instanceof SourceError && e.code === "unreachable");
    assert.equal(fresh.ports.length, 1, "a fresh connection closed without an answer is not retried");
  });

  it("a time-out is not retried", async function () {
    const seen: number[] = [];
    server = await fakeServer(() => {
      seen.push(Date.now());
    });
    await assert.rejects(httpRequest({ source: "test", url: `${server.url}/slow`, timeoutMs: 200 }), (e: unknown) => e instanceof SourceError && e.code === "timeout" && /no answer from http:\/\/127\.0\.0\.1:\d+\/slow within 200 ms/.test(e.message));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(seen.length, 1);
  });

  it("reads a body into a given buffer when it fits, into a bigger one when not, with or without a length", async function () {
    // 300 kB of text with a two-byte character every 7 bytes, so chunks split characters.
    const text = "abcdeé".repeat(50_000);
    server = await fakeServer((req, res) => {
      if (req.url.pathname === "/chunked") {
        res.writeHead(200, { "Content-Type": "text/plain" });
        for (let i = 0; i < text.length; i += 1000) res.write(text.slice(i, i + 1000));
        res.end();
      } else res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": String(Buffer.byteLength(text)) }).end(text);
    });
    const small = Buffer.alloc(1000);
    const grown = await httpRequest({ source: "test", url: `${server.url}/sized`, timeoutMs: 2000, receiveInto: small });
    assert.equal(grown.body, text);
    assert.equal(grown.bytes.length, Buffer.byteLength(text));
    assert.notEqual(grown.buffer, small);
    const again = await httpRequest({ source: "test", url: `${server.url}/chunked`, timeoutMs: 2000, receiveInto: grown.buffer });
    assert.equal(again.buffer, grown.buffer, "a buffer big enough is used as it is");
    assert.equal(again.body, text);
    const plain = await httpRequest({ source: "test", url: `${server.url}/chunked`, timeoutMs: 2000 });
    assert.equal(plain.body, text);
    await assert.rejects(httpRequest({ source: "test", url: `${server.url}/sized`, timeoutMs: 2000, receiveInto: small, maxBytes: 100_000 }), /answer larger than 100000 bytes/);
  });

  describe("faulty peers: bounded time, a typed error naming the peer", function () {
    it("a peer that trickles its answer one byte at a time is cut at the time-out, like one that never answers", async function () {
      server = await fakeServer((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 50);
        res.on("close", () => clearInterval(drip));
      });
      const t0 = Date.now();
      await assert.rejects(httpRequest({ source: "test", url: `${server.url}/drip`, timeoutMs: 400 }), (e: unknown) => e instanceof SourceError && e.code === "timeout");
      assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
    });

    it("a refused connection, a 500 with an HTML error page, and HTML instead of JSON", async function () {
      const closed = await fakeServer(() => undefined);
      const url = closed.url;
      await closed.close();
      await assert.rejects(httpRequest({ source: "test", url: `${url}/x`, timeoutMs: 2000 }), (e: unknown) => e instanceof SourceError && e.code === "unreachable" && /ECONNREFUSED/.test(e.message));
      server = await fakeServer((_req, res) => {
        res.writeHead(500, { "Content-Type": "text/html" });
        res.end("<html><body><h1>Internal Server Error</h1></body></html>");
      });
      await assert.rejects(httpOk({ source: "test", url: `${server.url}/api`, timeoutMs: 2000 }), (e: unknown) => e instanceof SourceError && e.code === "http" && /HTTP 500 .*Internal Server Error/.test(e.message));
      assert.throws(() => parseJson("test", "<html>maintenance</html>"), (e: unknown) => e instanceof SourceError && e.code === "parse" && /not JSON/.test(e.message));
    });
  });

  it("excerpt flattens and cuts a body; safeUrl drops the query and survives a bad URL", function () {
    assert.equal(excerpt("  <html>\n  <body>Maintenance</body>\n</html> "), "<html> <body>Maintenance</body> </html>");
    assert.equal(excerpt("x".repeat(100), 10), `${"x".repeat(10)}…`);
    assert.equal(safeUrl("http://h:8080/api_jsonrpc.php?apikey=SECRET"), "http://h:8080/api_jsonrpc.php");
    assert.equal(safeUrl(new URL("https://h/p?token=SECRET")), "https://h/p");
    assert.equal(safeUrl("not a url"), "(invalid URL)");
  });
});
