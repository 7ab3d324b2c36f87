import { strict as assert } from "node:assert";
import fc from "fast-check";
import { SourceError } from "../../../lib/sources/errors";
import { getContainerItems, getValues, itemErrors, parseGetValues, parseSetValues, parseSoap, setValues, setValuesBody, xmlEscape, type EwsClientOptions } from "../../../lib/sources/ews";
import { deadUrl, fakeServer, hang } from "../../support/fake-http";
import { fakeEws, soapFault12, type FakeEws } from "../../support/fake-ews";

const PV = "01/Server 1/4A020/PV/Production_W";
const LIGHT = "01/Server 1/4A020/Lights/Row1 & 2 <main>";
const SET = "01/Server 1/4A020/Heating/Setpoint";
const points = () => ({
  [PV]: { value: "812.5", unit: "W" },
  [LIGHT]: { value: "0", writeable: true },
  [SET]: { value: "19", writeable: false, state: "2" },
});

async function rejects(p: Promise<unknown>, code: string, re?: RegExp): Promise<SourceError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SourceError, `not a SourceError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (re) assert.match(err.message, re);
    return err;
  }
  assert.fail("did not reject");
}

describe("lib/sources/ews", function () {
  let ews: FakeEws | undefined;
  afterEach(async () => ews?.close());
  const opts = (extra: Partial<EwsClientOptions> = {}): EwsClientOptions => ({ url: `${ews!.url}/EcoStruxure/DataExchange`, timeoutMs: 2000, auth: { user: "elfe", password: "pw" }, ...extra });

  it("GetValues over SOAP 1.2 with Digest auth: values, states, and per-id errors", async function () {
    ews = await fakeEws({ points: points(), digest: { user: "elfe", password: "pw" } });
    const r = await getValues(opts(), [PV, SET, "01/Server 1/nope"]);
    assert.deepEqual(ews.calls[0], { operation: "GetValues", soap: "http://www.w3.org/2003/05/soap-envelope", ids: [PV, SET, "01/Server 1/nope"], values: [] });
    assert.equal(ews.requests.length, 2, "one challenge, one authorised request");
    assert.deepEqual(r.values[0], { id: PV, value: "812.5", numeric: 812.5, state: 0, ok: true });
    assert.equal(r.values[1].ok, false);
    assert.deepEqual(r.errors, [{ id: "01/Server 1/nope", message: "INVALID_ID" }]);
    assert.match(itemErrors("GetValues", r.errors)!.message, /GetValues failed for 01\/Server 1\/nope: INVALID_ID/);
  });

  it("a wrong password is an auth error", async function () {
    ews = await fakeEws({ points: points(), digest: { user: "elfe", password: "pw" } });
    await rejects(getValues(opts({ auth: { user: "elfe", password: "wrong" } }), [PV]), "auth");
  });

  it("SOAP 1.1 uses text/xml and the SOAPAction header", async function () {
    ews = await fakeEws({ points: points() });
    const r = await getValues(opts({ soapVersion: "1.1", auth: undefined }), [PV]);
    assert.equal(ews.calls[0].soap, "http://schemas.xmlsoap.org/soap/envelope/");
    assert.equal(r.values[0].numeric, 812.5);
  });

  it("SetValues escapes ids and values; per-item failures name the id", async function () {
    ews = await fakeEws({ points: points() });
    const r = await setValues(opts(), [{ id: LIGHT, value: true }, { id: SET, value: 20.5 }]);
    assert.deepEqual(ews.calls[0].ids, [LIGHT, SET]);
    assert.deepEqual(ews.calls[0].values, ["1", "20.5"]);
    assert.equal(ews.points[LIGHT].value, "1");
    assert.deepEqual(r.results.map((x) => [x.success, x.message]), [[true, ""], [false, "NOT_WRITEABLE"]]);
    const err = itemErrors("SetValues", r.errors, r.results)!;
    assert.equal(err.id, SET);
    assert.match(err.message, /Heating\/Setpoint: NOT_WRITEABLE/);
    assert.match(setValuesBody([{ id: "a<b>&'\"", value: "x" }]), /<ns:Id>a&lt;b&gt;&amp;&apos;&quot;<\/ns:Id>/);
    assert.throws(() => xmlEscape("bad\u0001"), SourceError);
  });

  it("GetContainerItems lists containers and value items with unit and writeable", async function () {
    ews = await fakeEws({ points: points() });
    const r = await getContainerItems(opts(), ["01/Server 1/4A020/Lights"]);
    assert.deepEqual(r.items.map((i) => [i.kind, i.id, i.writeable]), [["container", "01/Server 1/4A020/Lights/Sub", undefined], ["value", LIGHT, true]]);
  });

  it("SOAP 1.2 faults (HTTP 500) become remote errors with the fault's detail name and the id", async function () {
    ews = await fakeEws({ points: {}, raw: { status: 500, body: soapFault12("soap:Sender", "Permission denied", "Fault_Permission_Denied") } });
    const err = await rejects(getValues(opts(), [PV]), "remote", /GetValues fault Fault_Permission_Denied: Permission denied/);
    assert.equal(err.id, PV);
    assert.equal(err.remoteCode, "Fault_Permission_Denied");
  });

  it("SOAP 1.1 faults are read too", function () {
    const xml = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>Invalid id &amp; more</faultstring></s:Fault></s:Body></s:Envelope>`;
    assert.throws(() => parseSoap(xml, "GetValues", ["x"]), /fault s:Client: Invalid id & more/);
  });

  it("refuses a DOCTYPE / ENTITY answer (XXE) without expanding anything", async function () {
    const evil = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetValuesResponse><GetValuesItems><ValueItem><Id>a</Id><Value>&x;</Value></ValueItem></GetValuesItems></GetValuesResponse></s:Body></s:Envelope>`;
    ews = await fakeEws({ points: {}, raw: { status: 200, body: evil } });
    await rejects(getValues(opts(), [PV]), "parse", /DOCTYPE or ENTITY; refused/);
  });

  it("one item is read as a list; entities in values are decoded once, not expanded", function () {
    const xml = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetValuesResponse xmlns="urn:x"><GetValuesItems><ValueItem><Id>a&amp;b</Id><State>true</State><Value>&amp;lt;</Value></ValueItem></GetValuesItems></GetValuesResponse></s:Body></s:Envelope>`;
    const r = parseGetValues(xml);
    assert.deepEqual(r.values, [{ id: "a&b", value: "&lt;", numeric: null, state: 0, ok: true }]);
    assert.deepEqual(parseSetValues(xml.replace(/GetValues/g, "SetValues")).results, []);
  });

  it("garbage, HTML, empty bodies, 404, server down and slow servers are typed errors", async function () {
    const s = await fakeServer((req, res) => {
      const p = req.url.pathname;
      if (p === "/html") return void res.end("<html><body>hello</body></html>");
      if (p === "/garbage") return void res.end("\u0000\u0001garbage");
      if (p === "/broken") return void res.end("<s:Envelope><s:Body><GetValuesResponse>");
      if (p === "/404") {
        res.statusCode = 404;
        return void res.end("not here");
      }
      return hang(req, res);
    });
    const o = (path: string, timeoutMs = 2000): EwsClientOptions => ({ url: `${s.url}${path}`, timeoutMs });
    await rejects(getValues(o("/html"), [PV]), "parse", /not a SOAP envelope/);
    await rejects(getValues(o("/garbage"), [PV]), "parse");
    await rejects(getValues(o("/broken"), [PV]), "parse");
    await rejects(getValues(o("/404"), [PV]), "http", /HTTP 404/);
    await rejects(getValues(o("/slow", 200), [PV]), "timeout");
    await rejects(getValues({ url: `${await deadUrl()}/x`, timeoutMs: 1000 }, [PV]), "unreachable");
    await rejects(getValues(o("/x"), []), "config");
    await s.close();
  });

  it("property: random and mutated bodies never throw anything but SourceError", function () {
    const valid = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetValuesResponse><GetValuesItems><ValueItem><Id>a</Id><State>0</State><Value>1.5</Value></ValueItem></GetValuesItems><GetValuesErrorResults><ErrorResult><Id>b</Id><Message>INVALID_ID</Message></ErrorResult></GetValuesErrorResults></GetValuesResponse></s:Body></s:Envelope>`;
    const check = (body: string) => {
      try {
        parseGetValues(body, ["a"]);
        parseSetValues(body);
      } catch (err) {
        assert.ok(err instanceof SourceError, String(err));
      }
    };
    fc.assert(fc.property(fc.string(), check), { numRuns: 200 });
    fc.assert(fc.property(fc.nat(valid.length - 1), fc.string({ maxLength: 4 }), (at, ins) => check(valid.slice(0, at) + ins + valid.slice(at + 1))), { numRuns: 400 });
  });
});
