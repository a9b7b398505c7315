"""The web layer: settings, the Starlette app, auth, the GraphQL schema and the `jcm` CLI."""
