"""The web workbench's JSON API (web.md): FastAPI over :mod:`casework.api`, as thin as the CLI.

Each endpoint parses its request, calls one API method as the token's user and returns that
method's JSON, the same shapes as the CLI's ``--json``. Nothing here reads the database itself.
"""
