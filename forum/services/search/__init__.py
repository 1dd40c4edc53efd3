"""Search for members: ``query.search(member, args)`` answers one results page, with the same
visibility as everywhere else applied inside the query (the engines are in the
``search_index`` leaf)."""
