// The README's Apollo Client example, run by tests/test_clients.py against a live server:
// a public query, then a mutation with a bearer token, over HTTP (Node's own fetch).
// npm install @apollo/client graphql rxjs
// JCM_URL=http://127.0.0.1:8000/graphql JCM_TOKEN=… JCM_PROPOSAL_ID=… node apollo.mjs
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";

const COMMITTEE = gql`
  query Committee($code: String!) {
    committee(code: $code) { code name { en ja } partner { signingOrder signedOn } }
  }
`;
const CONSENT = gql`
  mutation Consent($id: ID!) {
    giveConsent(input: { id: $id }) {
      proposal { status }
      decision { reference outcome }
      userErrors { code message field }
    }
  }
`;

const client = new ApolloClient({
  link: new HttpLink({
    uri: process.env.JCM_URL,
    fetch,
    headers: { Authorization: `Bearer ${process.env.JCM_TOKEN}` },
    fetchOptions: { signal: AbortSignal.timeout(10_000) },
  }),
  cache: new InMemoryCache(),
});

const read = await client.query({ query: COMMITTEE, variables: { code: "VN" }, fetchPolicy: "no-cache" });
const acted = await client.mutate({ mutation: CONSENT, variables: { id: process.env.JCM_PROPOSAL_ID } });
console.log(JSON.stringify({ committee: read.data.committee, giveConsent: acted.data.giveConsent }, null, 2));
