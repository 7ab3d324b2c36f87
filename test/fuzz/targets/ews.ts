// EWS SOAP answers (GetValues, SetValues, GetContainerItems). Typed error: SourceError.
import { SourceError } from "../../../lib/sources/errors";
import { parseGetContainerItems, parseGetValues, parseSetValues } from "../../../lib/sources/ews";
import { typedError, type FuzzTarget } from "../harness";

const NS = "http://www.schneider-electric.com/common/dataexchange/2011/05";
const env = (body: string, soap = "http://www.w3.org/2003/05/soap-envelope") =>
  `<?xml version="1.0" encoding="utf-8"?>\n<s:Envelope xmlns:s="${soap}">\n<s:Body>\n${body}\n</s:Body>\n</s:Envelope>`;
const getValues = env(`<GetValuesResponse xmlns="${NS}" version="1.2">
<GetValuesItems>
<ValueItem><Id>01/Server 1/PV/Power</Id><State>0</State><Value>1234.5</Value></ValueItem>
<ValueItem><Id>01/Server 1/Light &amp; 2</Id><State>true</State><Value>true</Value></ValueItem>
<ValueItem><Id>x</Id><State>3</State><Value>&#x31;&#50;</Value></ValueItem>
</GetValuesItems>
<GetValuesErrorResults><ErrorResult><Id>01/Server 1/nope</Id><Message>INVALID_ID</Message></ErrorResult></GetValuesErrorResults>
</GetValuesResponse>`);
const fault12 = env(`<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text xml:lang="en">Permission denied</s:Text></s:Reason><s:Detail><f:Fault_Permission_Denied xmlns:f="${NS}/DataExchangeInterface/Fault"/></s:Detail></s:Fault>`);
const fault11 = env(`<s:Fault><faultcode>s:Client</faultcode><faultstring>Invalid id &amp; more</faultstring></s:Fault>`, "http://schemas.xmlsoap.org/soap/envelope/");
const setValues = env(`<SetValuesResponse xmlns="${NS}" version="1.2">
<SetValuesResults>
<Result><Id>01/Server 1/Set</Id><Success>true</Success><Message></Message></Result>
<Result><Id>01/Server 1/Ro</Id><Success>false</Success><Message>NOT_WRITEABLE</Message></Result>
</SetValuesResults>
</SetValuesResponse>`);
const browse = env(`<GetContainerItemsResponse xmlns="${NS}" version="1.2">
<GetContainerItemsItems><ContainerItem><Id>01</Id><Name>x</Name>
<Items>
<ContainerItems><ContainerItem><Id>01/Sub</Id><Name>Sub</Name><Type>Folder</Type></ContainerItem></ContainerItems>
<ValueItems><ValueItem><Id>01/P</Id><Name>P</Name><Description/><Type>Analog</Type><Unit>W</Unit><Writeable>1</Writeable></ValueItem></ValueItems>
<HistoryItems><HistoryItem><Id>01/H</Id><Name>H</Name></HistoryItem></HistoryItems>
</Items>
</ContainerItem></GetContainerItemsItems>
</GetContainerItemsResponse>`);

const typed = typedError(SourceError);
export const ewsTargets: FuzzTarget[] = [
  { name: "ews: parseGetValues", samples: [getValues, fault12, fault11], run: (input) => parseGetValues(input as string, ["01/Server 1/PV/Power"]), typed },
  { name: "ews: parseSetValues", samples: [setValues, fault12], run: (input) => parseSetValues(input as string, ["01/Server 1/Set"]), typed },
  { name: "ews: parseGetContainerItems", samples: [browse, fault11], run: (input) => parseGetContainerItems(input as string, ["01"]), typed },
];
