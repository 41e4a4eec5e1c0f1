"""Importing attendance spreadsheets from the Wagtail admin: upload → check → preview →
confirm → import, for Staff and administrators.

`uploads` holds the steps a person takes (upload, confirm, cancel), `tasks` the work that runs
in the background (`db_worker --backend imports` in production, in-process elsewhere),
`progress` what the progress bar reads. The rules of the file itself live in
`attendance.services.importing`, shared with `manage.py import_attendance`.
"""
