"""Storage: the tables and their migrations, connections and the retrying transaction, the unit
of work and its repositories (cases, users, offices, settings, screenings, claims), the bulk
fast path, backups and the demo database's lifecycle. The only layer that writes SQL."""
