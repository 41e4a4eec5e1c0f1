"""Codes for requests, cases and referrals: short, random, unambiguous (no 0/O, 1/I/L) and
meaningless. A code is what the committee, the coordinators and the URLs see instead of a
person; a random one says nothing about when or in which order anyone came."""

import secrets

from django.db import IntegrityError, transaction

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6
MAX_ATTEMPTS = 10


def new_code(prefix: str) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def create_with_code(model, prefix: str, **fields):
    """`model.objects.create(code=…, **fields)` with a fresh code, trying another on the
    (unlikely: 31⁶ ≈ 887 million codes) collision with an existing one."""
    last_error = None
    for _attempt in range(MAX_ATTEMPTS):
        try:
            with transaction.atomic():
                return model.objects.create(code=new_code(prefix), **fields)
        except IntegrityError as exc:
            last_error = exc
    raise last_error
