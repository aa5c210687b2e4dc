"""Importing ledgers (台账): CSV and XLSX sheets of cases, replayed through their procedures."""
