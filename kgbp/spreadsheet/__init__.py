"""Spreadsheets: the reader, the writer and the template's layout."""
