"""What the command line does, as plain functions: build, batch, output, cascade, collect, check.
May import every layer below it (base, inputs, plan, office, kinds)."""
