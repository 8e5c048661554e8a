// Apollo's query plans for many operations over one supergraph, as a JSON list on stdout.
// Usage: node executor_plans.mjs SUPERGRAPH.graphql OPERATIONS.json
// OPERATIONS.json is a list of {"query": "...", "operationName": "..."?}. Prints
// {"apiSchema": SDL, "results": [...]}, each result {"plan": {...}} or
// {"error": "message"} when Apollo rejects the operation.
import { readFileSync } from "node:fs";
import { Supergraph, operationFromDocument } from "@apollo/federation-internals";
import { QueryPlanner } from "@apollo/query-planner";
import { parse, printSchema } from "graphql";

const [file, operationsFile] = process.argv.slice(2);
const supergraph = Supergraph.build(readFileSync(file, "utf8"));
const planner = new QueryPlanner(supergraph);
const results = JSON.parse(readFileSync(operationsFile, "utf8")).map(({ query, operationName }) => {
  try {
    const operation = operationFromDocument(supergraph.schema, parse(query), { operationName });
    return { plan: planner.buildQueryPlan(operation) };
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
});
const apiSchema = printSchema(supergraph.apiSchema().toGraphQLJSSchema());
process.stdout.write(JSON.stringify({ apiSchema, results }));
