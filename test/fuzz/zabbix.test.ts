import { fuzzSuite } from "./harness";
import { zabbixTargets } from "./targets/zabbix";

fuzzSuite("zabbix", zabbixTargets);
