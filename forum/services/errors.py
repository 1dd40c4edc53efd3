"""Domain errors raised by services and turned into messages by views."""

from collections.abc import Mapping


class DomainError(Exception):
    """Something the person asked for cannot be done; ``str(error)`` says why, kindly."""


class NotAllowed(DomainError):
    """The person may not do this (views usually answer 404 so nothing leaks)."""


class NotFound(DomainError):
    """The thing does not exist, or the person may not know it exists."""


class Conflict(DomainError):
    """Someone else changed the thing first (for example, another moderator decided)."""


class AlreadyHandled(Conflict):
    """Another moderator got there first: ``by`` did ``what`` at ``at``."""

    def __init__(self, by: str, at, what: str):
        self.by, self.at, self.what = by, at, what
        super().__init__(f"{by} already handled this: {what}.")


class ValidationFailed(DomainError):
    """Input was refused; ``field_errors`` maps form field names to messages."""

    def __init__(self, field_errors: Mapping[str, str | list[str]]):
        self.field_errors = {
            k: [v] if isinstance(v, str) else list(v) for k, v in field_errors.items()
        }
        super().__init__("; ".join(m for ms in self.field_errors.values() for m in ms))


class OutOfScope(NotFound):
    """A regional moderator asked to act outside their regions: answered like "not found"."""

    def __init__(self, message: str = "This is outside the regions you moderate."):
        super().__init__(message)


def required_text(value: str | None, field: str, max_len: int) -> str:
    """``value`` without surrounding spaces; ValidationFailed on ``field`` when it is empty or
    longer than ``max_len`` characters."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed({field: "This cannot be empty."})
    if len(value) > max_len:
        raise ValidationFailed({field: f"Use at most {max_len} characters."})
    return value
