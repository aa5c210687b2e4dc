"""以案定补: eligibility rules, the dated scale, quarterly claims and payout sheets."""
