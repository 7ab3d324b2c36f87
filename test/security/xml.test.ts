// Security: the EWS SOAP parser never expands a DTD. XXE (an external entity naming a local file)
// and billion-laughs (nested entities) answers are refused quickly, from the raw string and through
// the whole client, and their entities never turn into file contents or a huge string.
import { strict as assert } from "node:assert";
import { SourceError } from "../../lib/sources/errors";
import { getValues, parseGetContainerItems, parseGetValues, parseSetValues } from "../../lib/sources/ews";
import { fakeEws, type FakeEws } from "../support/fake-ews";

const SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
const body = (value: string) =>
  `<s:Envelope xmlns:s="${SOAP12}"><s:Body><GetValuesResponse><GetValuesItems><ValueItem><Id>a</Id><State>0</State><Value>${value}</Value></ValueItem></GetValuesItems></GetValuesResponse></s:Body></s:Envelope>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${body("&xxe;")}`;
const XXE_PARAM = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>${body("1")}`;
const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("");
const LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${lols}]>${body("&lol9;")}`;
const LOWER = `<?xml version="1.0"?><!doctype r [<!entity xxe SYSTEM "file:///etc/passwd">]>${body("&xxe;")}`;
const PASSWD = /root:|daemon:|\/bin\/(ba)?sh/;

function refusedQuickly(parse: () => unknown): SourceError {
  const started = performance.now();
  let caught: unknown;
  try {
    parse();
  } catch (err) {
    caught = err;
  }
  const ms = performance.now() - started;
  assert.ok(caught instanceof SourceError, `not refused with a SourceError: ${String(caught)}`);
  assert.equal(caught.code, "parse");
  assert.match(caught.message, /DOCTYPE or ENTITY; refused \(XXE\)/);
  assert.doesNotMatch(caught.message, PASSWD);
  assert.ok(ms < 100, `took ${ms.toFixed(1)} ms`);
  return caught;
}

describe("XML without DTD or entity expansion (security)", function () {
  it("refuses XXE, parameter-entity XXE, billion laughs and a lower-case doctype in every EWS answer parser, each within 100 ms", function () {
    for (const xml of [XXE, XXE_PARAM, LAUGHS, LOWER]) {
      refusedQuickly(() => parseGetValues(xml, ["a"]));
      refusedQuickly(() => parseSetValues(xml.replace(/GetValues/g, "SetValues"), ["a"]));
      refusedQuickly(() => parseGetContainerItems(xml.replace(/GetValues/g, "GetContainerItems"), ["a"]));
    }
  });

  it("an undeclared entity reference is kept as text, never resolved (no file contents, no expansion)", function () {
    const started = performance.now();
    const r = parseGetValues(body("&xxe;&lol9;&#x41;&amp;"));
    assert.equal(r.values[0].value, "&xxe;&lol9;A&");
    assert.doesNotMatch(JSON.stringify(r), PASSWD);
    assert.ok(performance.now() - started < 100);
  });

  it("a deeply nested answer (100 000 levels) is a parse error or a result, within a bound, never a crash", function () {
    const deep = `<s:Envelope xmlns:s="${SOAP12}"><s:Body><GetValuesResponse>${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}</GetValuesResponse></s:Body></s:Envelope>`;
    const started = performance.now();
    try {
      parseGetValues(deep);
    } catch (err) {
      assert.ok(err instanceof SourceError, String(err));
    }
    assert.ok(performance.now() - started < 5000);
  });

  describe("through the client (a server answering the payloads)", function () {
    let ews: FakeEws | undefined;
    afterEach(async () => ews?.close());

    for (const [name, xml] of [["XXE", XXE], ["billion laughs", LAUGHS]] as const) {
      it(`getValues refuses a ${name} answer with a parse error naming the operation`, async function () {
        ews = await fakeEws({ points: {}, raw: { status: 200, body: xml } });
        const started = performance.now();
        await assert.rejects(getValues({ url: `${ews.url}/EcoStruxure/DataExchange`, timeoutMs: 2000 }, ["a"]), (e: unknown) => e instanceof SourceError && /GetValues: the answer declares a DOCTYPE/.test(e.message) && !PASSWD.test(e.message));
        assert.ok(performance.now() - started < 1000);
      });
    }
  });
});
