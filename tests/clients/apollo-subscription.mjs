// The README's Apollo Client subscription example, run by tests/test_clients.py against a live
// server: Apollo Client over GraphQLWsLink, which is the graphql-ws client (graphql-transport-ws),
// the token in connectionParams. Prints the next decision of the Viet Nam committee.
// npm install @apollo/client graphql rxjs graphql-ws ws
// JCM_WS_URL=ws://127.0.0.1:8000/graphql JCM_TOKEN=… node apollo-subscription.mjs
import { ApolloClient, InMemoryCache, gql } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { createClient } from "graphql-ws";
import { firstValueFrom, timeout } from "rxjs";
import WebSocket from "ws";

const wsClient = createClient({
  url: process.env.JCM_WS_URL,
  webSocketImpl: WebSocket, // in a browser, leave out
  connectionParams: { Authorization: `Bearer ${process.env.JCM_TOKEN}` },
});
const client = new ApolloClient({ link: new GraphQLWsLink(wsClient), cache: new InMemoryCache() });

const DECISIONS = gql`
  subscription Decisions($code: String) {
    decisionMade(committeeCode: $code) { reference outcome title committee { code } }
  }
`;
const next = await firstValueFrom(
  client.subscribe({ query: DECISIONS, variables: { code: "VN" } }).pipe(timeout(10_000)),
);
console.log(JSON.stringify(next, null, 2));
await wsClient.dispose();
