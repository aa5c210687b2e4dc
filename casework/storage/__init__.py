"""Persistence: SQLModel tables, connections and transactions, migrations, queries."""
