"""Ledger (台账) file formats only: reading CSV and XLSX sheets, matching their Chinese
headers and planning each row's registration and dated steps. Importing them is
casework.services.imports."""
