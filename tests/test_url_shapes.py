"""Templates' ``url_for`` builds URLs from shapes (``forum.templating.UrlShapes``): it must give
exactly the string Flask's own ``url_for`` gives, for every route."""

from flask import url_for

from forum.templating import UrlShapes


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        names = sorted(rule.arguments)
        converters = [rule._converters.get(n) for n in names]  # a default has none
        if names and all(type(c).__name__.endswith("IntConverter") for c in converters):
            yield rule.endpoint, names


def test_every_route_with_whole_numbers_is_built_as_flask_builds_it(app):
    shapes = UrlShapes(app)
    routes = list(_int_routes(app))
    assert len(routes) > 20
    with app.test_request_context("/"):
        for endpoint, names in routes:
            for numbers in (
                (1,) * len(names),
                tuple(range(7, 7 + len(names))),
                (2**31 - 1,) * len(names),
            ):
                values = dict(zip(names, numbers, strict=True))
                assert shapes(endpoint, **values) == url_for(endpoint, **values)
                with_query = {**values, "page": 3}
                assert shapes(endpoint, **with_query) == url_for(endpoint, **with_query)


def test_an_endpoint_with_a_default_is_built_as_flask_builds_it(app):
    shapes = UrlShapes(app)
    with app.test_request_context("/"):
        for endpoint in {r.endpoint for r in app.url_map.iter_rules() if r.defaults}:
            for rule in app.url_map.iter_rules(endpoint):
                values = {n: 7 for n in rule.arguments if n in rule._converters}
                assert shapes(endpoint, **values) == url_for(endpoint, **values)


def test_anything_else_goes_to_flask_unchanged(app):
    shapes = UrlShapes(app)
    with app.test_request_context("/", base_url="https://example.org/forum"):
        assert shapes("pages.urgent_help") == url_for("pages.urgent_help")
        post = {"post_id": 5, "_anchor": "post-5"}
        assert shapes("forums.post", **post) == url_for("forums.post", **post)
        external = {"post_id": 5, "_external": True}
        assert shapes("forums.post", **external) == url_for("forums.post", **external)
        assert shapes("forums.post", post_id=5).startswith("/forum/")
        assert shapes("forums.thread", thread_id=5, page=True) == url_for(
            "forums.thread", thread_id=5, page=True
        )
    with app.test_request_context("/", base_url="https://example.org/"):
        assert shapes("forums.post", post_id=5) == url_for("forums.post", post_id=5)
        assert not shapes("forums.post", post_id=5).startswith("/forum/")
    with app.app_context():  # mails and jobs: external URLs, as Flask builds them
        assert shapes("forums.post", post_id=5) == url_for("forums.post", post_id=5)


def test_pages_use_it(app):
    assert isinstance(app.jinja_env.globals["url_for"], UrlShapes)
