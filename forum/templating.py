"""The Jinja environment the app renders with: flask's, tuned for pages that include a
partial per item (a post, a card)."""

from flask import Flask
from flask.templating import Environment


class ForumEnvironment(Environment):
    """Templates see the environment's globals as one plain dict, copied when a template is
    loaded (Jinja's own ``make_globals`` chains two maps: every name a template looks up in the
    globals, and every ``{% import %}`` in an included partial, then walks both). Globals are
    all registered in ``create_app``, before any template loads, as Jinja asks."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


class ForumFlask(Flask):
    jinja_environment = ForumEnvironment
    # The templates are a fixed set: a plain dict keeps them all, where Jinja's LRU cache takes
    # a lock and reorders a queue on every {% include %}.
    jinja_options = {**Flask.jinja_options, "cache_size": -1}
