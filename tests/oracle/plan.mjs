// Apollo's query plan for an operation over a supergraph, as JSON on stdout.
// Usage: node plan.mjs SUPERGRAPH.graphql 'query { ... }' [operationName]
import { readFileSync } from "node:fs";
import { Supergraph, operationFromDocument } from "@apollo/federation-internals";
import { QueryPlanner, prettyFormatQueryPlan } from "@apollo/query-planner";
import { parse } from "graphql";

const [file, query, operationName] = process.argv.slice(2);
const supergraph = Supergraph.build(readFileSync(file, "utf8"));
const planner = new QueryPlanner(supergraph);
const operation = operationFromDocument(supergraph.schema, parse(query), { operationName });
const plan = planner.buildQueryPlan(operation);
if (process.env.PRETTY) {
  console.log(prettyFormatQueryPlan(plan));
} else {
  console.log(JSON.stringify(plan, null, 2));
}
