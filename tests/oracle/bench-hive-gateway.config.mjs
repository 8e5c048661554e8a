// Hive Gateway configuration for the gateway benchmark: forwards the
// caller's Authorization header to every subgraph, like the other gateways.
// Subgraph request deduplication is Hive's default (on); BENCH_DEDUPLICATE=false
// turns it off. Inbound request deduplication stays off (Hive's default).
// Usage: hive-gateway supergraph SUPERGRAPH.graphql -c bench-hive-gateway.config.mjs
import { defineConfig } from "@graphql-hive/gateway";

const deduplicate = process.env.BENCH_DEDUPLICATE !== "false";

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get("authorization") }),
  },
  transportEntries: {
    "*": { options: { deduplicateInflightRequests: deduplicate } },
  },
});
