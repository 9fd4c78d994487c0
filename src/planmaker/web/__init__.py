"""`planmaker serve`: the command line's jobs as a page in a browser, for clerks
without a terminal.  The top layer, beside cli.py: every page calls the same
functions the commands call (commands/*, importer.run, planmaker.api) on the
same folders (a workspace of plan folders: plan.yaml and out/), and adds only
what a browser needs: forms, uploads kept to bounds, downloads kept inside the
workspace, a progress bar for the batch.

Flask (docs/网页.md says why) with server-rendered Jinja pages; the style sheet
and the one script ship in ``static/``: nothing is fetched from the internet."""
