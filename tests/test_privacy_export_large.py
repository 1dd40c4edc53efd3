"""A large export (issue 15): made by the background jobs, mailed as a link that opens the
file only for its member, signed in, for seven days; then the file is deleted."""

import io
import os
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from forum.models import utcnow
from forum.services import jobs
from forum.services.errors import NotFound
from forum.services.privacy import export_files
from tests import factories


@pytest.fixture
def large(app, member):
    """Every export counts as large; Ahmed wrote a thread."""
    app.config["EXPORT_INLINE_MAX"] = 0
    with app.test_request_context():
        factories.thread(member, title="Sleep after night shifts", body="My own words")
    jobs.run_pending(app)  # the thread's own jobs (its watchers), before the tests count theirs
    return app


def _asked(member_client, outbox, run_jobs, member) -> str:
    response = member_client.submit(
        "/account/your-data/export", {"ex-password": factories.PASSWORD}
    )
    assert response.status_code == 302
    page = member_client.get("/account/your-data").get_data(as_text=True)
    assert "We will email you a link" in page
    assert run_jobs() >= 1
    [mail] = [m for m in outbox() if m.recipient == member.email and "ready" in m.subject]
    return re.search(r"http://forum\.test(/account/your-data/exports/\S+)", mail.body).group(1)


def test_a_large_export_is_mailed_as_a_link_that_opens_the_zip(
    large, member, member_client, outbox, run_jobs
):
    link = _asked(member_client, outbox, run_jobs, member)
    response = member_client.get(link)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert b"My own words" in archive.read("your-data.json")


def test_the_link_opens_nothing_for_another_member_or_nobody(
    large, member, member_client, new_client, outbox, run_jobs
):
    link = _asked(member_client, outbox, run_jobs, member)
    with large.app_context():
        fiona = factories.member(display_name="Fiona", email="fiona@example.org")
    other = new_client()
    other.submit("/signin", {"email": fiona.email, "password": factories.PASSWORD})
    assert other.get(link).status_code == 404
    assert new_client().get(link).status_code in (302, 401)  # signed out: to the sign-in
    assert member_client.get(link[:-3] + "abc").status_code == 404


def test_after_seven_days_the_link_has_expired_and_the_file_is_gone(
    large, member, member_client, outbox, run_jobs
):
    link = _asked(member_client, outbox, run_jobs, member)
    folder = Path(large.instance_path) / "exports"
    [path] = list(folder.glob(f"{member.id}-*.zip"))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    old = (utcnow() - timedelta(days=8)).timestamp()
    os.utime(path, (old, old))
    response = member_client.get(link)
    assert response.status_code == 404
    assert "This link has expired" in response.get_data(as_text=True)
    assert not path.exists()


def test_the_periodic_job_deletes_expired_files_and_erasure_deletes_all(large, member, ctx):
    first = export_files.build_and_mail(member.id, now=utcnow() - timedelta(days=8))
    second = export_files.build_and_mail(member.id)
    folder = Path(large.instance_path) / "exports"
    assert export_files.expire() == 1
    assert sorted(p.name for p in folder.iterdir()) == [second]
    assert first != second
    assert export_files.forget(member.id) == 1
    assert list(folder.iterdir()) == []


def test_a_small_export_still_downloads_at_once(app, member, member_client):
    response = member_client.submit(
        "/account/your-data/export", {"ex-password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"


def test_a_wrong_password_asks_again_and_queues_nothing(large, member, member_client, run_jobs):
    response = member_client.submit("/account/your-data/export", {"ex-password": "not it"})
    assert response.status_code == 422
    assert run_jobs() == 0
    with pytest.raises(NotFound), large.test_request_context():
        export_files.opened(member, "no-such-secret")


def test_erasure_deletes_the_files_of_a_large_export(large, member, ctx):
    from forum.services.privacy import erasure

    export_files.build_and_mail(member.id)
    folder = Path(large.instance_path) / "exports"
    assert list(folder.glob(f"{member.id}-*.zip"))
    erasure.erase_on_request(
        factories.member(display_name="Morag", role="admin"),
        member.id,
        remove_posts=False,
        reason="Asked by phone",
    )
    assert list(folder.glob(f"{member.id}-*.zip")) == []
