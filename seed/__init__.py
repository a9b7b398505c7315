"""Reference data: Japan, the 30 partner countries and their committees, scopes, rule documents."""
