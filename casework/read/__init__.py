"""The read side: what casework shows and counts, never what it changes.

Cases, histories and listings (``views``), what falls due (``due``), the metric catalogue
(``stats``, built from the procedures' declarations in ``workflows/``), on-time replies
(``ontime``), exports and reports, the audit of the hash chains, the subsidy's eligibility,
payout sheets and figures, the screening ledger and the directory of offices and users.

Every read is a plain query over ``casework.storage`` tables returning the typed shapes of
``casework.read.shapes`` (the JSON of docs/cli.md). No read builds an ``IN`` list of unbounded
size: listings stream one ordered query, and any ``IN`` list left is cut to the database's
limit (``casework.storage.db.chunk_size``). This package never imports the write side
(``casework.services``), the API or the CLI.
"""
