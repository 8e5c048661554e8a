// Serves a subgraph module (exporting typeDefs and resolvers) with
// @apollo/subgraph on @apollo/server, on 127.0.0.1; prints "ready URL".
// Usage: node conformance-subgraph.mjs MODULE.mjs PORT
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const [file, port] = process.argv.slice(2);
const { typeDefs, resolvers } = await import(pathToFileURL(resolve(file)).href);
const server = new ApolloServer({
  schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers }),
  includeStacktraceInErrorResponses: false,
  plugins: [ApolloServerPluginInlineTraceDisabled()],
});
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(port) },
});
console.log(`ready ${url}`);
