// Apollo's API schema of a supergraph, printed (the reference for supergraph loading tests).
// Usage: node planner-api-schema.mjs SUPERGRAPH.graphql
import { readFileSync } from "node:fs";
import { Supergraph } from "@apollo/federation-internals";
import { printSchema } from "graphql";

const supergraph = Supergraph.build(readFileSync(process.argv[2], "utf8"));
console.log(printSchema(supergraph.apiSchema().toGraphQLJSSchema()));
