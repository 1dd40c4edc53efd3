"""Browser tests: Debian's Chromium, driven by Playwright, against the real app on a live server.

Recipe: ../shared/BROWSER-TESTS.md. Without Chromium these tests skip (and fail on CI, where
they must run). Screenshots go to artifacts/ (ignored by git).

Every page any test opens (``page``, and each ``another_page()``) is watched, so every browser
test checks two promises on every page it visits, after its own assertions:

- **a clean console**: no error in the browser's console (a style or script refused by the
  Content-Security-Policy, a script error, a failed request). A test that makes a request fail
  on purpose names the error it expects with ``expect_console_errors("422")``;
- **reflow at 320 px** (WCAG 1.4.10): each page, as it was when it loaded and when the test
  looked at it (``screenshot``, ``check_accessibility``) and when the test ended, is laid out
  again 320 px wide and must not scroll sideways (``scrollWidth <= innerWidth``; tables scroll
  inside their own box).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from huey.exceptions import CancelExecution
from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db
from forum.services import jobs
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
    app.extensions["test_jobs_gate"] = JobsGate(jobs.huey_of(app))
    # the jobs run as they would in `make run`, looking at the queue at least twice a second
    worker = jobs.start_beside(app, workers=1, max_delay=0.5)
    app.extensions["test_jobs_worker"] = worker
    yield app
    _stop_worker(app)
    with app.app_context():
        db.engine.dispose()


def _stop_worker(app) -> None:
    worker = app.extensions.pop("test_jobs_worker", None)
    if worker is not None:
        worker.stop(graceful=True)


class JobsGate:
    """Lets a test's set-up wait until the live worker runs no job, and keeps it from starting
    one meanwhile: a job the last test queued must not run on this test's rows (PostgreSQL's
    ``RESTART IDENTITY`` and SQLite both give the new rows the old ids). Huey's own hooks: a
    job about to start while the gate is closed waits, then is dropped as the last test's."""

    def __init__(self, huey):
        self.changed = threading.Condition()
        self.running = 0
        self.closed = False
        huey.pre_execute()(self._starting)
        huey.post_execute()(self._finished)

    def _starting(self, task) -> None:
        with self.changed:
            if self.closed:
                self.changed.wait_for(lambda: not self.closed, timeout=60)
                raise CancelExecution(retry=False)
            self.running += 1

    def _finished(self, task, value, exception) -> None:
        with self.changed:
            self.running -= 1
            self.changed.notify_all()

    def idle(self, huey, timeout: float = 15) -> None:
        """Wait until the worker has run every job waiting now (and those they queued)."""
        with self.changed:
            done = self.changed.wait_for(
                lambda: self.running == 0 and huey.pending_count() == 0, timeout=timeout
            )
        assert done, "the live worker did not finish its jobs"

    @contextlib.contextmanager
    def shut(self):
        with self.changed:
            self.closed = True
            self.changed.wait_for(lambda: self.running == 0, timeout=60)
        try:
            yield
        finally:
            with self.changed:
                self.closed = False
                self.changed.notify_all()


@pytest.fixture(scope="package", autouse=True)
def _jobs_end_with_the_browser_tests(live_app):
    """The live app's worker (and its periodic jobs: mail sweeps, reminders, erasures) stops
    when the browser tests end: the tests after them share the database and must not find a
    sweep writing in it."""
    yield
    _stop_worker(live_app)


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
        with self.app.test_request_context(method="POST"):  # a writer, as a request would be
            return factories.member(**fields)

    def call(self, fn, *args, **kwargs):
        with self.app.test_request_context(method="POST"):  # takes the writers' turn (SQLite)
            return fn(*args, **kwargs)

    def jobs_done(self) -> None:
        """Wait until the jobs queued so far have run (a post's fan-out to its watchers, say),
        so that what the test does next cannot race them."""
        self.app.extensions["test_jobs_gate"].idle(jobs.huey_of(self.app))

    def outbox(self):
        import sqlalchemy as sa

        from forum.models import OutboxMail

        with self.app.app_context():
            return list(db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)))


@pytest.fixture
def site(live_app):
    """A fresh network (settings, regions, crisis contacts) for each browser test. Made as a
    writer (``BEGIN IMMEDIATE``, the writers' turn), with the live app's worker idle and its
    queue empty (``JobsGate``)."""
    with live_app.extensions["test_jobs_gate"].shut():
        jobs.huey_of(live_app).flush()  # the last test's jobs must not run on this one's rows
        with live_app.test_request_context(method="POST"):
            clean_database()
            factories.network()
    return Site(live_app)


@pytest.fixture
def browser_context_args(browser_context_args, base_url):
    return {**browser_context_args, "base_url": base_url, "locale": "en-GB"}


@pytest.fixture
def another_page(browser, base_url, _watched):
    """Another person's browser (a moderator beside an applicant, say)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=base_url, locale="en-GB")
        contexts.append(context)
        return _watched.watch(context.new_page())

    yield make
    _watched.snapshot_all()
    for context in contexts:
        context.close()


# --- what every page must do: a clean console, and reflow at 320 px ----------------------------

NARROW = {"width": 320, "height": 640}


@dataclass
class Watched:
    """The pages of one test: their console errors, and snapshots of what they showed."""

    pages: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    expected: list[re.Pattern] = field(default_factory=list)
    snapshots: dict[int, tuple[str, str]] = field(default_factory=dict)  # by hash: (url, html)

    def watch(self, page):
        self.pages.append(page)
        page._forum_watched = self
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("load", self.snapshot)
        return page

    def _console(self, page, message) -> None:
        if message.type == "error":
            self.errors.append(f"{page.url}: {message.text}")

    def snapshot(self, page) -> None:
        """Keep the page as it is now (its DOM, scripts' changes included), to lay out later."""
        with contextlib.suppress(Exception):  # it may be navigating away already
            if page.url.startswith("http"):
                url, html = page.url.split("#")[0], page.content()
                self.snapshots.setdefault(hash((url, html)), (url, html))

    def snapshot_all(self) -> None:
        for page in self.pages:
            if not page.is_closed():
                self.snapshot(page)

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.expected)]


@pytest.fixture
def _watched(request):
    watched = Watched()
    request.node.watched = watched
    return watched


@pytest.fixture(autouse=True)
def _every_page_is_watched(request, _watched):
    if "page" in request.fixturenames:
        _watched.watch(request.getfixturevalue("page"))


@pytest.fixture
def expect_console_errors(_watched):
    """``expect_console_errors("422")``: this test makes requests fail on purpose; console
    errors matching these patterns are part of what it checks."""

    def expect(*patterns: str) -> None:
        _watched.expected.extend(re.compile(p) for p in patterns)

    return expect


@pytest.fixture(autouse=True)
def _pages_keep_their_promises(request, browser, base_url, _every_page_is_watched, _watched):
    """After the test: no console errors, and every page it saw fits 320 px."""
    yield
    if not getattr(request.node, "passed_its_own_checks", False):
        return  # the test failed already: its own message matters more
    _watched.snapshot_all()  # as the test left them
    errors = _watched.unexpected_errors()
    assert not errors, "console errors:\n" + "\n".join(errors)
    too_wide = _narrow_widths(browser, base_url, _watched.snapshots.values())
    assert not too_wide, "wider than 320 px (WCAG 1.4.10):\n" + "\n".join(too_wide)


def _narrow_widths(browser, base_url, snapshots) -> list[str]:
    """Each snapshot laid out again 320 px wide (no scripts: the DOM is as the page had made
    it), with the app's own stylesheets; the ones that scroll sideways."""
    context = browser.new_context(base_url=base_url, viewport=NARROW, java_script_enabled=False)
    showing = {}

    def serve(route):
        if route.request.resource_type == "document" and route.request.url in showing:
            route.fulfill(body=showing[route.request.url], content_type="text/html")
        else:
            route.continue_()

    context.route("**/*", serve)
    page, found = context.new_page(), []
    try:
        for url, html in snapshots:
            showing.clear()
            showing[url] = html
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROW["width"]:
                title = page.title()
                page.screenshot(path=str(_folder("failures") / f"reflow-{len(found)}.png"))
                found.append(f"{title!r} is {width}px wide at 320px")
    finally:
        context.close()
    return found


def _folder(name: str) -> Path:
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page, email, password=factories.PASSWORD):
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def _remember(page) -> None:
    """The test looks at this page now: keep it for the 320 px check too."""
    watched = getattr(page, "_forum_watched", None)
    if watched is not None:
        watched.snapshot(page)


def check_accessibility(page, name: str) -> None:
    """axe-core (WCAG 2.1 A/AA and best practice) finds nothing on this page."""
    from axe_playwright_python.sync_playwright import Axe

    _remember(page)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    if results.violations_count:
        screenshot(page, f"axe-{name}")
    assert results.violations_count == 0, results.generate_report()


def screenshot(page, name: str, phone: bool = True) -> None:
    """Save the page at desktop width, and at 390 px like a phone, under artifacts/screens;
    on the phone nothing may stick out sideways (tables scroll inside their own box)."""
    _remember(page)
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
    if report.when == "call" and report.passed:
        item.passed_its_own_checks = True
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            folder = ARTIFACTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(Exception):
                page.screenshot(path=str(folder / f"{item.name}.png"), full_page=True)
