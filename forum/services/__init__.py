"""Business rules. Services take plain values, raise the errors in ``errors`` and commit once.

Areas are packages (``network``, ``moderation``, ``ideas``, ``forums``, ``people``, ``live``,
each above the next); the modules here are the shared leaves every area may use. Imports only
point down (README, "Code layout"; the contracts in ``pyproject.toml``).
"""
