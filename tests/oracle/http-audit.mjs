// The GraphQL-over-HTTP audits of graphql-http (serverAudits) run against a server.
// Usage: node http-audit.mjs URL
// Prints one JSON object per audit on stdout: {"id", "name", "status": "ok"|"warn"|"error", "reason"?}.
import { serverAudits } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node http-audit.mjs URL (the GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql)");
  process.exit(2);
}
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    line.reason = result.reason;
    if (result.response) {
      line.responseStatus = result.response.status;
      try {
        line.responseBody = await result.response.text();
      } catch {
        // the audit already read the body
      }
    }
  }
  console.log(JSON.stringify(line));
}
