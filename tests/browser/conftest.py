"""Browser tests: Debian's Chromium, driven by Playwright, against the real app on a live server.

Recipe: ../shared/BROWSER-TESTS.md. Without Chromium these tests skip (and fail on CI, where
they must run). Screenshots go to artifacts/ (ignored by git).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db
from tests import factories
from tests.conftest import ON_CI, _test_config, clean_database

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _chromium_present():
    if not Path(CHROMIUM).exists():
        if ON_CI:
            pytest.fail(f"Chromium is missing at {CHROMIUM}; CI must run the browser tests.")
        pytest.skip(f"Chromium is not installed ({CHROMIUM}); apt-get install chromium to run")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def live_app(database_url, tmp_path_factory):
    app = create_app(
        _test_config(
            database_url,
            tmp_path_factory.mktemp("live-instance"),
            SERVER_NAME=None,
            RATELIMIT_ENABLED=False,
            LIVE_POLL_SECONDS=2,  # pages whose stream is blocked catch up quickly in tests
        )
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


class Site:
    """Set up what a browser test needs, directly in the live app's database."""

    def __init__(self, app):
        self.app = app

    def member(self, **fields):
        with self.app.app_context():
            return factories.member(**fields)

    def call(self, fn, *args, **kwargs):
        with self.app.test_request_context():
            return fn(*args, **kwargs)

    def outbox(self):
        import sqlalchemy as sa

        from forum.models import OutboxMail

        with self.app.app_context():
            return list(db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)))


@pytest.fixture
def site(live_app):
    """A fresh network (settings, regions, crisis contacts) for each browser test."""
    with live_app.app_context():
        clean_database()
        factories.network()
    return Site(live_app)


@pytest.fixture
def browser_context_args(browser_context_args, base_url):
    return {**browser_context_args, "base_url": base_url, "locale": "en-GB"}


@pytest.fixture
def another_page(browser, base_url):
    """Another person's browser (a moderator beside an applicant, say)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=base_url, locale="en-GB")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, email, password=factories.PASSWORD):
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def check_accessibility(page, name: str) -> None:
    """axe-core (WCAG 2.1 A/AA and best practice) finds nothing on this page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    if results.violations_count:
        screenshot(page, f"axe-{name}")
    assert results.violations_count == 0, results.generate_report()


def screenshot(page, name: str, phone: bool = True) -> None:
    """Save the page at desktop width, and at 390 px like a phone, under artifacts/screens;
    on the phone nothing may stick out sideways (tables scroll inside their own box)."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(size)
        assert width <= 390, f"{name}: the page is {width}px wide on a 390px phone"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            folder = ARTIFACTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(Exception):
                page.screenshot(path=str(folder / f"{item.name}.png"), full_page=True)
