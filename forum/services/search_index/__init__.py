"""The search index, engine by engine: a leaf (it imports no other service).

- ``documents``: what is indexed. Each kind of searchable thing is one ``Kind`` registered in
  ``KINDS`` (its model, and how to read its title and sanitised HTML); ``index(thing)`` writes
  its document in the caller's transaction, ``rebuild()`` makes every document again.
- ``terms``: a member's query parsed into a safe, engine-neutral form (words, quoted phrases,
  ``-word`` and ``OR``), or a clear reason it cannot be searched.
- ``engines``: that form as SQLite FTS5 (``MATCH``, bm25, ``snippet``) or PostgreSQL
  (``websearch_to_tsquery``, ``ts_rank``, ``ts_headline``), picked by the database, and the
  highlighting (escape first, then mark).

Who may see what is not decided here: ``services.search`` joins each match to the thing it
names and applies the areas' own visibility rules inside the same query.
"""
