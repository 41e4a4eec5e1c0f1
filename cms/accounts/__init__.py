"""Accounts: one login for students and staff (allauth), its limits, and what staff sessions
must satisfy before the admin opens (docs/accounts.md)."""
