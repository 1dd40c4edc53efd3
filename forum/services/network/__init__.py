"""The network itself: first-run setup, regions (each with its forum), roles and crisis contacts.

It sits above ``forums`` and ``people``: setting up creates the first administrator and the
default content warnings, and a new region gets its sub-forum. The settings row every area
reads is the leaf ``forum.services.site_settings``.
"""
