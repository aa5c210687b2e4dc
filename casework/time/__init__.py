"""Time: instants typed and shown as China Standard Time, the working-day calendar, reporting
periods and the deadlines computed from a case's events. Pure day arithmetic, no storage."""
