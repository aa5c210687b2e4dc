"""Alembic environment: runs on the connection casework hands it (see casework.storage.schema)."""

from __future__ import annotations

from alembic import context

from casework.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - casework always passes its own connection
    raise RuntimeError("casework migrations run through `casework init`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
