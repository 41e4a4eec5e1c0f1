"""Logging in as a browser behind the proxy would, and reading what allauth answered."""

from django.test import Client

from tests.booking.web.factories import PASSWORD, make_student
from tests.factories import verify_address

PROXY = "10.0.0.5"  # the address every request arrives from: our nginx


def verified_student(username=None):
    user = make_student(username)
    verify_address(user)
    return user


def attempt(client: Client, login: str, password: str, client_address: str, path=None) -> str:
    """One POST to allauth's login through the proxy, which appended the client's address to
    X-Forwarded-For. "in" (signed in), "wrong" (refused: bad password) or "limited"."""
    response = client.post(
        path or "/accounts/login/",
        {"login": login, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )
    if response.status_code == 429:
        return "limited"
    if response.status_code == 302:
        return "in"
    assert response.status_code == 200, response.status_code
    codes = {e.code for e in response.context["form"].non_field_errors().as_data()}
    if "too_many_login_attempts" in codes:
        return "limited"
    assert codes, "neither signed in nor refused"
    return "wrong"


__all__ = ["PASSWORD", "PROXY", "attempt", "verified_student"]
