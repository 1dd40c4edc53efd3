"""Random secrets for links sent to people; only their digests are stored."""

import hashlib
import secrets as _secrets


def new_secret() -> tuple[str, str]:
    """A URL-safe secret of 256 bits and the SHA-256 digest to store in its place."""
    token = _secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
