"""The Gaozhou demo year: a believable 2020 built through the same services a clerk uses,
whose statistics give the figures of the city's 2020 report on law-based government."""
