"""Live updates: topic names, publishing events after commit, members' streams, and the brokers
that carry events between processes (in-process, or Redis pub/sub)."""
