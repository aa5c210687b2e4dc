"""The data casework ships: the office lists it can load (gaozhou-offices.csv)."""
