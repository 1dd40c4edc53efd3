"""The Jinja environment the app renders with: flask's, tuned for pages that include a
partial per item (a post, a card)."""

from typing import Any

from flask import Flask, request
from flask.globals import _cv_request
from flask.templating import Environment
from werkzeug.routing import BuildError, IntegerConverter


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

    def create_jinja_environment(self) -> Environment:
        env = super().create_jinja_environment()
        env.globals["url_for"] = UrlShapes(self)  # the same URLs, built from shapes (below)
        return env


# --- url_for in templates --------------------------------------------------------------------

_UNKNOWN = object()
_SENTINEL = 1_357_913_570  # + the argument's position: ten digits, found once in a built URL


class UrlShapes:
    """``url_for`` for templates, building each URL from a shape made once per endpoint.

    A thread page asks for about 230 URLs (a post's permalink, its quote, report and edit
    links...), nearly all an endpoint with whole numbers (``post_id=7``). Werkzeug builds each
    from scratch; here the first call for an endpoint and a set of argument names builds it once
    with stand-in numbers, and later calls put the numbers into that shape, which gives the same
    string. Anything else goes to Flask's own ``url_for``, unchanged: no request (mails and jobs
    build external URLs), an argument that is not a plain ``int`` or whose name starts with
    ``_`` (``_anchor``, ``_external``...), an endpoint with defaults, a converter other than a
    plain integer one, or an app with URL-default functions.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.shapes: dict[tuple, object] = {}

    def __call__(self, endpoint: str, **values):
        ctx = _cv_request.get(None)
        if ctx is None or not values:
            return self.app.url_for(endpoint, **values)
        for name, value in values.items():
            if type(value) is not int or name[0] == "_":
                return self.app.url_for(endpoint, **values)
        here = ctx.request
        if endpoint[:1] == ".":
            key: tuple = (here.root_path, here.blueprint, endpoint, *values)
        else:
            key = (here.root_path, endpoint, *values)
        shape = self.shapes.get(key, _UNKNOWN)
        if shape is _UNKNOWN:
            shape = self.shapes[key] = self._shape(endpoint, list(values))
        if shape is None:
            return self.app.url_for(endpoint, **values)
        return shape.format(*values.values())  # type: ignore[attr-defined]

    def _shape(self, endpoint: str, names: list[str]) -> str | None:
        if self.app.url_default_functions:
            return None  # URL defaults may depend on the request: built each time
        stand_ins: dict[str, Any] = {name: _SENTINEL + n for n, name in enumerate(names)}
        try:
            url = self.app.url_for(endpoint, **stand_ins)
        except BuildError:
            return None
        if endpoint[:1] == ".":
            endpoint = f"{request.blueprint}{endpoint}" if request.blueprint else endpoint[1:]
        for rule in self.app.url_map.iter_rules(endpoint):
            if rule.defaults:
                return None
            for converter in rule._converters.values():
                if not isinstance(converter, IntegerConverter) or converter.fixed_digits:
                    return None
        shape = url.replace("{", "{{").replace("}", "}}")
        for n, value in enumerate(stand_ins.values()):
            if url.count(str(value)) != 1:
                return None
            shape = shape.replace(str(value), f"{{{n}}}")
        return shape
