// Apollo's composition of subgraph SDL files into a supergraph, on stdout.
// Usage: node compose.mjs NAME=URL=FILE.graphql [NAME=URL=FILE.graphql ...]
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const services = process.argv.slice(2).map((arg) => {
  const [name, url, file] = arg.split("=");
  return { name, url, typeDefs: parse(readFileSync(file, "utf8")) };
});
const result = composeServices(services);
if (result.errors) {
  for (const error of result.errors) console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
