"""Password hashing (argon2id) and strength checks (zxcvbn), in one place."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
MAX_LENGTH = 1000
# zxcvbn's cost grows quickly with length; a long password is judged by its first part.
_ESTIMATE_CHARS = 100


def _hasher() -> PasswordHasher:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    hasher = app.extensions.get("forum.password_hasher")
    if hasher is None:
        cfg = app.config
        hasher = PasswordHasher(
            time_cost=cfg["ARGON2_TIME_COST"],
            memory_cost=cfg["ARGON2_MEMORY_COST"],
            parallelism=cfg["ARGON2_PARALLELISM"],
        )
        app.extensions["forum.password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises for a wrong or malformed hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend as long as a real check, so unknown emails cannot be told apart by timing."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    dummy = app.extensions.get("forum.dummy_hash")
    if dummy is None:
        dummy = app.extensions["forum.dummy_hash"] = hash_password("not a real password")
    verify_password(dummy, password)


def weakness(password: str, user_inputs: list[str]) -> str | None:
    """Why the password should not be used, in plain words, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words work well."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if not password.strip():
        return "A password of only spaces is too easy to guess."
    inputs = [s[:_ESTIMATE_CHARS] for s in user_inputs if s]
    from zxcvbn import zxcvbn  # here: its word lists take 13 MB in every worker that imports it

    result = zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=inputs)
    if result["score"] >= current_app.config["MIN_PASSWORD_STRENGTH"]:
        return None
    feedback = result.get("feedback") or {}
    reason = feedback.get("warning") or "This password would be easy to guess."
    hints = " ".join(feedback.get("suggestions") or [])
    reason = reason.rstrip(".") + "."
    return (
        f"{reason} {hints}".strip()
        if hints
        else (f"{reason} Try a longer phrase of a few unrelated words.")
    )
