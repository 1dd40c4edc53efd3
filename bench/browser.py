"""Signing in once, as a browser would: GET /signin, take the CSRF token from the form, POST
the email and password, then open a page to read the token every page carries for htmx.

About cookies: the app runs with its production settings, so its cookies are ``Secure``. A
browser keeps those only over HTTPS, which in production a TLS proxy in front of gunicorn
provides. The benchmark talks plain HTTP on loopback, in the proxy's place, so this client
keeps every cookie the app sets whatever its attributes, and sends them back. Nothing in the
app is loosened for the benchmark.
"""

from __future__ import annotations

import html
import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.loadgen import USER_AGENT

FORM_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
HTMX_TOKEN = re.compile(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'")


class SignInFailed(RuntimeError):
    """The member could not sign in, or a page did not open for them."""


class Browser:
    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """One request with the cookies so far; remembers the cookies of the answer."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = {"User-Agent": USER_AGENT, "Accept": "text/html", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def sign_in(self, email: str, password: str) -> None:
        """Raises SignInFailed when the form is missing or the app does not let them in."""
        status, _, page = self.request("GET", "/signin")
        token = FORM_TOKEN.search(page)
        if status != 200 or not token:
            raise SignInFailed(f"GET /signin answered {status} without a CSRF token")
        form = {"csrf_token": html.unescape(token.group(1)), "email": email, "password": password}
        status, headers, _ = self.request("POST", "/signin", form=form)
        location = headers.get("Location", "")
        if status not in (302, 303) or "/signin" in location or "/status" in location:
            raise SignInFailed(f"signing in as {email} answered {status} -> {location or '-'}")

    def csrf_token(self, path: str = "/") -> str:
        """The token a page gives htmx (the same one its forms carry), for the write loads."""
        page = self.open(path)
        token = HTMX_TOKEN.search(page)
        if not token:
            raise SignInFailed(f"{path} carries no CSRF token in <body hx-headers>")
        return html.unescape(token.group(1))

    def open(self, path: str) -> str:
        """GET a page that must answer 200 to the signed-in member; its text."""
        status, headers, page = self.request("GET", path)
        if status != 200:
            where = headers.get("Location", "")
            raise SignInFailed(f"GET {path} answered {status}{' -> ' + where if where else ''}")
        return page
