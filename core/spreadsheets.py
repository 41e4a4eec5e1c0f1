"""Cells that people open in Excel or LibreOffice.

A CSV cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is
read as a formula: a school named `=HYPERLINK(...)` would run in the coordinator's spreadsheet.
Every CSV we write passes its text cells through `neutralise_cell`, which keeps the text and
prefixes an apostrophe, the spreadsheets' own "this is text" mark. Numbers stay numbers.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
