"""Importing a superior's plan (.docx, .txt, .md) as a campaign and a plan file; imports from base, inputs, plan, office and kinds only."""
