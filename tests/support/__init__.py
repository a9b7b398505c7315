"""What the tests share: the GraphQL client, tokens, database helpers, GraphQL documents and the
builders that put a test's starting state in place through the resolvers (see workflow.py).

Test modules import from here, never from each other; the fixtures are in fixtures.py."""
