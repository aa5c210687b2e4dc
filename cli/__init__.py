"""The casework command line: a thin Typer layer over casework.api."""
