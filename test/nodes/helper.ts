// node-red-node-test-helper, initialised once for every node test.
import helper from "node-red-node-test-helper";

helper.init(require.resolve("node-red"));

export default helper;
