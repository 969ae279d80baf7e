"""Who did what to whom: events, people, violations, involvement, sources, testimonies."""
