"""Writing an output folder safely: atomic writes (`atomic`), edited files kept and the manifest
(`output`), the kept bases and the three-way merge into an edited .docx or .xlsx (`merging`), the
folder's lock and write journal that survive kill -9 (`journal`), and the streamed per-institution
batch with its resumable state (`batch`).
May import base, inputs, plan, office and kinds; never collect, importer or commands."""
