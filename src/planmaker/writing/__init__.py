"""Writing an output folder safely: atomic writes that keep a clerk's edited files and the manifest
(`output`), the folder's lock and write journal that survive kill -9 (`journal`), and the streamed
per-institution batch with its resumable state (`batch`).
May import base, inputs, plan, office and kinds; never collect, importer or commands."""
