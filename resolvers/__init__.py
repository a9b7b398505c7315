"""Operations of the service: plain async functions `(session, principal, ...) -> model`.

They load and lock rows, check permissions, apply the rules of `models`, append the audit event
and commit. Nothing here knows GraphQL or HTTP.
"""
