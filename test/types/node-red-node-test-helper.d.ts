// The part of node-red-node-test-helper our tests use (the package ships no types).
declare module "node-red-node-test-helper" {
  import type { Node } from "node-red";
  import type { SinonSpy } from "sinon";

  type TestNode = Node & { status: SinonSpy & Node["status"]; error: SinonSpy & Node["error"]; warn: SinonSpy & Node["warn"] };

  interface NodeTestHelper {
    init(nodeRedRuntime: string, userSettings?: Record<string, unknown>): void;
    load(nodes: unknown, flow: object[], credentials?: Record<string, object>): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): TestNode;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    url(): string;
    /** supertest against the admin app (httpAdmin); the node app (httpNode) is not served by the helper. */
    request(): any;
    settings(userSettings: Record<string, unknown>): void;
    _RED: unknown;
  }
  const helper: NodeTestHelper;
  export default helper;
}
