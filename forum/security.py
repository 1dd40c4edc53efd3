"""Response headers and request checks that apply to every page."""

from flask import Flask, current_app, redirect, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from forum.permissions import enforce_membership
from forum.services import site_settings

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.before_request(_require_setup)
    app.before_request(enforce_membership)
    app.after_request(_headers)


def _require_setup():
    """Until the network has been set up, every page leads to the setup page."""
    if request.routing_exception is not None or request.endpoint in (
        "setup.setup",
        "static",
        "pages.urgent_help",
    ):
        return None

    if site_settings.settings() is None:
        return redirect(url_for("setup.setup"))
    return None


def _headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.endpoint != "static":
        # Full pages and htmx fragments share URLs: caches must keep them apart.
        response.vary.add("HX-Request")
        response.vary.add("Cookie")
        # Pages carry member content or a CSRF token: never keep them in any cache.
        headers["Cache-Control"] = "no-store"
    if current_app.config["ENV"] == "production":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
