// Apollo Client's automatic persisted queries (PersistedQueryLink) against this server, which keeps
// no persisted queries: the link sends the query's hash alone first, and must fall back to sending
// the whole query once the server says PersistedQueryNotSupported. Run by tests/test_clients.py.
// JCM_URL=http://127.0.0.1:8000/graphql node apollo-persisted.mjs
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const client = new ApolloClient({
  link: new PersistedQueryLink({ sha256 }).concat(
    new HttpLink({ uri: process.env.JCM_URL, fetch, fetchOptions: { signal: AbortSignal.timeout(10_000) } }),
  ),
  cache: new InMemoryCache(),
});

const read = await client.query({ query: gql`{ committee(code: "VN") { code } }`, fetchPolicy: "no-cache" });
console.log(JSON.stringify(read.data));
