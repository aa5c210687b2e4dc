"""casework: petitions, people's mediation and major disputes as tracked procedures."""

__version__ = "0.1.0"
