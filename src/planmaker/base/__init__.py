"""What every layer uses: errors and warnings, text cleaning, bundled resources, dates and date
expressions, Chinese numbers, file names.  Imports nothing of planmaker's outside this package."""
