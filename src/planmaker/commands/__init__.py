"""What the command line does, as plain functions that call the layers below: build, cascade, check, new, summary.
May import every layer below it (base, inputs, plan, office, kinds, checks, writing, collect, importer)."""
