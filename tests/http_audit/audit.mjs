// The graphql-http audit of the GraphQL-over-HTTP spec (MUST, SHOULD and MAY), against a running
// server: `node audit.mjs http://127.0.0.1:8000/graphql`. Prints one JSON object per line
// ({"id", "name", "status", "reason"}) and exits 1 when any audit did not pass.
// Run by tests/test_graphql_over_http.py against a real uvicorn; the versions are pinned in
// package-lock.json (`npm ci` installs them).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
let failed = 0;
for (const result of results) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    failed += 1;
    line.reason = result.reason;
    if (result.response) {
      line.httpStatus = result.response.status;
      line.contentType = result.response.headers.get('content-type');
      line.body = (await result.response.text()).slice(0, 500);
    }
  }
  console.log(JSON.stringify(line));
}
console.error(`${results.length - failed} of ${results.length} audits passed`);
process.exit(failed ? 1 : 0);
