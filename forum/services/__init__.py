"""Business rules. Services take plain values, raise the errors in ``errors`` and commit once."""
