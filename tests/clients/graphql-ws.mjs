// The README's graphql-ws example, run by tests/test_clients.py against a live server: wait for
// the next decision of the Viet Nam committee and print it. Browsers cannot set headers on a
// WebSocket, so the token travels in connection_init (connectionParams).
// npm install graphql-ws ws graphql
// JCM_WS_URL=ws://127.0.0.1:8000/graphql JCM_TOKEN=… node graphql-ws.mjs
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const client = createClient({
  url: process.env.JCM_WS_URL,
  webSocketImpl: WebSocket, // in a browser, leave out: the browser's own WebSocket is used
  connectionParams: { Authorization: `Bearer ${process.env.JCM_TOKEN}` },
});
const timeout = setTimeout(() => {
  console.error("no decision within 10 s");
  process.exit(2);
}, 10_000);

const decisions = client.iterate({
  query: `subscription Decisions($code: String) {
    decisionMade(committeeCode: $code) { reference outcome title committee { code } }
  }`,
  variables: { code: "VN" },
});
for await (const result of decisions) {
  console.log(JSON.stringify(result, null, 2));
  break; // one is enough here; leaving the loop completes the subscription
}
clearTimeout(timeout);
await client.dispose();
