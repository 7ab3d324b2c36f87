// A fake EcoStruxure DataExchange endpoint: SOAP 1.2 (or 1.1) envelopes in, the documented
// responses out, HTTP Digest (MD5, qop=auth) checked from first principles.
import { createHash, randomBytes } from "node:crypto";
import type http from "node:http";
import { XMLParser } from "fast-xml-parser";
import { fakeServer, type FakeServer, type SeenRequest } from "./fake-http";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");
export const NS = "http://www.schneider-electric.com/common/dataexchange/2011/05";
const SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export interface EwsPoint {
  value: string;
  state?: string;
  writeable?: boolean;
  unit?: string;
}

export interface FakeEwsOptions {
  points: Record<string, EwsPoint>;
  digest?: { user: string; password: string; realm?: string };
  /** Answer every request with this raw body and status instead. */
  raw?: { status: number; body: string; contentType?: string };
}

export interface FakeEws extends FakeServer {
  points: Record<string, EwsPoint>;
  /** Parsed request bodies: operation name and ids/values sent. */
  calls: { operation: string; soap: string; ids: string[]; values: string[] }[];
}

function checkDigest(req: SeenRequest, opts: NonNullable<FakeEwsOptions["digest"]>, nonces: Set<string>): boolean {
  const h = req.headers.authorization;
  if (!h || !h.startsWith("Digest ")) return false;
  const p: Record<string, string> = {};
  for (const m of h.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]] = m[2] ?? m[3];
  if (!nonces.has(p.nonce) || p.username !== opts.user || p.uri !== req.url.pathname + req.url.search) return false;
  const ha1 = md5(`${opts.user}:${opts.realm ?? "EcoStruxure"}:${opts.password}`);
  const ha2 = md5(`${req.method}:${p.uri}`);
  return p.response === md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}

const reqParser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, processEntities: true, isArray: (n) => ["Id", "ValueItem"].includes(n) });

export function soapFault12(code: string, reason: string, detailName: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP12}"><soap:Body><soap:Fault><soap:Code><soap:Value>${code}</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">${esc(reason)}</soap:Text></soap:Reason><soap:Detail><f:${detailName} xmlns:f="${NS}/DataExchangeInterface/Fault"/></soap:Detail></soap:Fault></soap:Body></soap:Envelope>`;
}

export async function fakeEws(options: FakeEwsOptions): Promise<FakeEws> {
  const nonces = new Set<string>();
  const calls: FakeEws["calls"] = [];
  const reply = (res: http.ServerResponse, soapNs: string, body: string, status = 200) => {
    res.writeHead(status, { "Content-Type": soapNs === SOAP12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8" });
    res.end(`<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${soapNs}"><s:Body>${body}</s:Body></s:Envelope>`);
  };
  const server = await fakeServer((req, res) => {
    if (options.digest && !checkDigest(req, options.digest, nonces)) {
      const nonce = randomBytes(8).toString("hex");
      nonces.add(nonce);
      res.writeHead(401, { "WWW-Authenticate": `Digest realm="${options.digest.realm ?? "EcoStruxure"}", nonce="${nonce}", qop="auth", algorithm=MD5, opaque="xyz"` });
      return void res.end();
    }
    if (options.raw) {
      res.writeHead(options.raw.status, { "Content-Type": options.raw.contentType ?? "application/soap+xml" });
      return void res.end(options.raw.body);
    }
    const doc = reqParser.parse(req.body) as any;
    const env = doc.Envelope;
    const soapNs = /<soap:Envelope xmlns:soap="([^"]+)"/.exec(req.body)?.[1] ?? "";
    const ct = String(req.headers["content-type"] ?? "");
    const [operation] = Object.keys(env.Body).filter((k) => !k.startsWith("@")).map((k) => k.replace(/Request$/, ""));
    // The binding: SOAP 1.2 carries the action in Content-Type; 1.1 in SOAPAction with text/xml.
    const action = `${NS}/${operation}In`;
    const bindingOk = soapNs === SOAP12 ? ct.startsWith("application/soap+xml") && ct.includes(`action="${action}"`) : ct.startsWith("text/xml") && req.headers.soapaction === `"${action}"`;
    if (!bindingOk) return reply(res, SOAP12, `<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text>bad binding</s:Text></s:Reason></s:Fault>`, 400);
    const rq = env.Body[`${operation}Request`];
    if (operation === "GetValues") {
      const ids: string[] = (rq.GetValuesIds?.Id ?? []).map(String);
      calls.push({ operation, soap: soapNs, ids, values: [] });
      if (ids.length === 0) return reply(res, soapNs, soapFault12("s:Sender", "Missing id list", "Fault_Missing_Id_List").replace(/^[\s\S]*<soap:Body>|<\/soap:Body>[\s\S]*$/g, ""), 500);
      const ok = ids.filter((id) => options.points[id]);
      const bad = ids.filter((id) => !options.points[id]);
      const items = ok.length ? `<GetValuesItems>${ok.map((id) => `<ValueItem><Id>${esc(id)}</Id><State>${options.points[id].state ?? "0"}</State><Value>${esc(options.points[id].value)}</Value></ValueItem>`).join("")}</GetValuesItems>` : "";
      const errs = bad.length ? `<GetValuesErrorResults>${bad.map((id) => `<ErrorResult><Id>${esc(id)}</Id><Message>INVALID_ID</Message></ErrorResult>`).join("")}</GetValuesErrorResults>` : "";
      return reply(res, soapNs, `<GetValuesResponse xmlns="${NS}" version="1.2">${items}${errs}</GetValuesResponse>`);
    }
    if (operation === "SetValues") {
      const items: { Id: string; Value: string }[] = rq.SetValuesItems?.ValueItem ?? [];
      const ids = items.map((i) => String((i.Id as unknown as string[])[0] ?? i.Id));
      const values = items.map((i) => String(i.Value));
      calls.push({ operation, soap: soapNs, ids, values });
      const results = ids.map((id, k) => {
        const p = options.points[id];
        const ok = p?.writeable === true;
        if (ok) p.value = values[k];
        return `<Result><Id>${esc(id)}</Id><Success>${ok}</Success><Message>${ok ? "" : p ? "NOT_WRITEABLE" : "INVALID_ID"}</Message></Result>`;
      });
      return reply(res, soapNs, `<SetValuesResponse xmlns="${NS}" version="1.2"><SetValuesResults>${results.join("")}</SetValuesResults></SetValuesResponse>`);
    }
    if (operation === "GetContainerItems") {
      const ids: string[] = (rq.GetContainerItemsIds?.Id ?? []).map(String);
      calls.push({ operation, soap: soapNs, ids, values: [] });
      const prefix = ids[0] ?? "";
      const under = Object.entries(options.points).filter(([id]) => id.startsWith(`${prefix}/`));
      const values = under.map(([id, p]) => `<ValueItem><Id>${esc(id)}</Id><Name>${esc(id.split("/").pop() ?? id)}</Name><Description/><Type>Analog</Type><Unit>${esc(p.unit ?? "")}</Unit><Writeable>${p.writeable ? 1 : 0}</Writeable></ValueItem>`);
      return reply(res, soapNs, `<GetContainerItemsResponse xmlns="${NS}" version="1.2"><GetContainerItemsItems><ContainerItem><Id>${esc(prefix)}</Id><Name>x</Name><Items><ContainerItems><ContainerItem><Id>${esc(prefix)}/Sub</Id><Name>Sub</Name><Type>Folder</Type></ContainerItem></ContainerItems><ValueItems>${values.join("")}</ValueItems></Items></ContainerItem></GetContainerItemsItems></GetContainerItemsResponse>`);
    }
    reply(res, soapNs, soapFault12("s:Receiver", "Operation not supported", "Fault_Operation_Not_Supported").replace(/^[\s\S]*<soap:Body>|<\/soap:Body>[\s\S]*$/g, ""), 500);
  });
  return Object.assign(server, { points: options.points, calls });
}
