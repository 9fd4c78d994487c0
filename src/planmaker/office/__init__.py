"""Office formats: GB/T 9704 .docx, docx templates and the batch path, OOXML zips, .xlsx reading
and writing, PDF through LibreOffice, and the three-way merge of a regenerated .docx or .xlsx into
the clerk's edited copy.  May import base, inputs and plan."""
