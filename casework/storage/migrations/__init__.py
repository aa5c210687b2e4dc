"""The database schema's history as Alembic migrations: casework init upgrades to the head."""
