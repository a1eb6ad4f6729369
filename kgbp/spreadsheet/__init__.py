"""Spreadsheets: the template's layout and the writer (the reader is ingest.spreadsheet_reader)."""
