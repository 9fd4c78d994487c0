"""Office formats: GB/T 9704 .docx, docx templates and the batch path, OOXML zips, .xlsx reading
and writing, PDF through LibreOffice.  May import base, inputs and plan."""
