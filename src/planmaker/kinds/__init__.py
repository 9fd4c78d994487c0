"""The kinds of document planmaker makes, one module each, and their registry.
May import base, inputs, plan and office."""
