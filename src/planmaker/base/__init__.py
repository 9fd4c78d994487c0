"""What every layer uses: errors and warnings, text cleaning, bundled resources, dates and date
expressions, Chinese numbers, file names, the three-way alignment of sequences.  Imports nothing of
planmaker's outside this package."""
