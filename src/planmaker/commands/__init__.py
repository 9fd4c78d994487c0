"""What the command line does, as plain functions: build, batch, output, cascade, check, new.
May import every layer below it (base, inputs, plan, office, kinds, checks, writing, collect, importer)."""
