"""Headers, cookies, CSRF, secrets and error pages."""

import pytest

from forum import create_app
from forum.config import ConfigError
from tests.conftest import sign_in_as


def test_every_page_has_a_strict_content_security_policy(client, member_client):
    for c, path in ((client, "/signin"), (member_client, "/")):
        response = c.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "HX-Request" in response.headers["Vary"]


def test_signed_in_pages_are_never_cached(member_client):
    assert member_client.get("/").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_scripts_or_hx_on_handlers(member_client, admin_client):
    import re

    for c, path in ((member_client, "/"), (admin_client, "/admin/regions")):
        page = c.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert "hx-on" not in page
        assert not re.search(r"\son[a-z]+=", page), path


def test_post_without_csrf_token_is_refused(app, member, new_client):
    client = sign_in_as(new_client(), member)
    response = client.post("/account/email", data={"em-email": "x@example.org"})
    assert response.status_code == 400
    response = client.post("/moderation/applications/1/approve", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash"


def test_htmx_post_with_csrf_header_is_accepted(app, moderator_client):
    response = moderator_client.submit("/moderation/applications/999/approve", {}, htmx=True)
    assert response.status_code == 200
    assert b"no longer exists" in response.data


def test_expired_csrf_token_keeps_what_was_typed(client):
    form = {
        "csrf_token": "expired-token",
        "display_name": "Priya",
        "email": "priya@example.org",
        "password": "a lantern by the quiet harbour",
        "reason": "A long answer I do not want to type again.",
    }
    response = client.post("/apply", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "A long answer I do not want to type again." in page
    assert "session timed out" in page
    assert "a lantern by the quiet harbour" not in page


def test_production_refuses_to_start_without_a_secret(tmp_path):
    with pytest.raises(ConfigError, match="FORUM_SECRET_KEY"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": None,
                    "TRUSTED_HOSTS": ["forum.example.org"]})  # fmt: skip


def test_production_refuses_to_start_without_trusted_hosts(tmp_path):
    with pytest.raises(ConfigError, match="FORUM_TRUSTED_HOSTS"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40})


def test_production_cookies_are_secure_and_host_is_checked(app, database_url, tmp_path):
    app = create_app(
        {
            "ENV": "production",
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "k" * 40,
            "TRUSTED_HOSTS": ["forum.example.org"],
            "MAIL_FROM": "no-reply@forum.example.org",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert not app.debug
    response = app.test_client().get("/help/urgent", headers={"Host": "evil.example"})
    assert response.status_code == 400
    response = app.test_client().get(
        "/signin", headers={"Host": "forum.example.org"}, base_url="https://forum.example.org"
    )
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_development_secret_is_made_once_and_kept(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).secret_key
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_error_pages_show_no_traceback(app, member):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    client = sign_in_as(app.test_client(), member)
    response = client.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, something went wrong" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_request_size_is_limited(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] <= 1024 * 1024
    response = client.post("/signin", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
