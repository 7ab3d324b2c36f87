// What the shipped examples need around them to deploy in a test: their site values (the
// ${ELFE_*} environment variables) pointing at one local HTTP peer that answers every request
// with 503 "fake site" at once, and at a private MQTT broker (aedes).
import { createServer, type AddressInfo } from "node:net";
import { fakeServer } from "./fake-http";

export interface ExampleSite {
  /** The ELFE_* variables of the examples. */
  env: Record<string, string>;
  brokerPort: string;
  close(): Promise<void>;
}

export async function startExampleSite(): Promise<ExampleSite> {
  const site = await fakeServer((_req, res) => {
    res.statusCode = 503;
    res.end("fake site");
  });
  const { Aedes } = await import("aedes");
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const brokerPort = String((server.address() as AddressInfo).port);
  return {
    brokerPort,
    env: {
      ELFE_MQTT_HOST: "127.0.0.1",
      ELFE_MQTT_PORT: brokerPort,
      ELFE_ZABBIX_URL: `${site.url}/zabbix/api_jsonrpc.php`,
      ELFE_JEEDOM_URL: site.url,
      ELFE_EWS_URL: `${site.url}/EcoStruxure/DataExchange`,
      ELFE_CAMPBELL_URL: `${site.url}/`,
      ELFE_FRONIUS_URL: site.url,
      ELFE_FRONIUS_POWERFLOW_URL: `${site.url}/solar_api/v1/GetPowerFlowRealtimeData.fcgi`,
    },
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => server.close(() => resolve())));
      await site.close();
    },
  };
}
