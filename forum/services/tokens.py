"""Random secrets for links sent to people (only their digests are stored), and signed
tokens for links that need no row (unsubscribing from a kind of mail)."""

import hashlib
import secrets as _secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def new_secret() -> tuple[str, str]:
    """A URL-safe secret of 256 bits and the SHA-256 digest to store in its place."""
    token = _secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# --- signed tokens (nothing stored) ----------------------------------------------------------


def signed(purpose: str, *values: str | int) -> str:
    """A URL-safe token carrying ``values``, signed with the app's secret for ``purpose`` only
    (a token made for one purpose is refused for any other). It never expires: put something
    in ``values`` that changes when it should stop working."""
    return _serializer(purpose).dumps(list(values))


def unsigned(purpose: str, token: str) -> list | None:
    """The values of a token made by ``signed`` for ``purpose``, or None if it is not one."""
    try:
        values = _serializer(purpose).loads(token)
    except BadSignature:
        return None
    return values if isinstance(values, list) else None


def _serializer(purpose: str) -> URLSafeSerializer:
    key = current_app.secret_key
    if not key:
        raise RuntimeError("signed links need the app's SECRET_KEY")
    return URLSafeSerializer(key, salt=f"forum:{purpose}")
