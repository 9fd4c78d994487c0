"""Collecting the filled statistics forms of the units below: reading and checking each form (`forms`),
summing them and writing the summary (`run`), the report of what came in and what is missing (`report`).
May import every layer below it (base … kinds, checks, writing); never importer or commands."""
