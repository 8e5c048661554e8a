// Apollo's query plans for many operations at once (the planner's reference).
// Reads JSON lines {"supergraph": PATH, "query": TEXT, "operationName": NAME?} on stdin and
// writes one JSON line per input: {"pretty": TEXT, "plan": JSON} or {"error": MESSAGE}.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Supergraph, operationFromDocument } from "@apollo/federation-internals";
import { QueryPlanner, prettyFormatQueryPlan } from "@apollo/query-planner";
import { parse } from "graphql";

const planners = new Map();
function plannerFor(path) {
  let entry = planners.get(path);
  if (!entry) {
    const supergraph = Supergraph.build(readFileSync(path, "utf8"));
    entry = { supergraph, planner: new QueryPlanner(supergraph) };
    planners.set(path, entry);
  }
  return entry;
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  try {
    const { supergraph: path, query, operationName } = JSON.parse(line);
    const { supergraph, planner } = plannerFor(path);
    const operation = operationFromDocument(supergraph.schema, parse(query), { operationName });
    const plan = planner.buildQueryPlan(operation);
    console.log(JSON.stringify({ pretty: prettyFormatQueryPlan(plan), plan }));
  } catch (error) {
    console.log(JSON.stringify({ error: String(error?.message ?? error) }));
  }
}
