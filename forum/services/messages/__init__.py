"""Messages between members: conversations of two or a few members (``conversations``)."""
