"""Flask commands: ``flask --app forum <command>``."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

from forum.extensions import db
from forum.services import jobs as jobs_service
from forum.services import mail as mail_service
from forum.services import rendering, site_settings
from forum.services.errors import DomainError, ValidationFailed
from forum.services.events import booking as event_booking
from forum.services.forums import manage
from forum.services.network import setup
from forum.services.privacy import erasure
from forum.services.privacy import retention as keeping
from forum.services.search_index import documents as search_documents

users = AppGroup("users", help="Manage people.")
mail = AppGroup("mail", help="The outbox of emails.")
richtext = AppGroup("richtext", help="Member-written Markdown and its stored HTML.")
forums = AppGroup("forums", help="Forums, threads and posts.")
jobs = AppGroup("jobs", help="The background jobs (mail, notifications, digests, reminders).")
search = AppGroup("search", help="The search index.")
events = AppGroup("events", help="Gatherings: events, bookings and their access answers.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(mail)
    app.cli.add_command(richtext)
    app.cli.add_command(forums)
    app.cli.add_command(jobs)
    app.cli.add_command(start)
    app.cli.add_command(setup_token)
    app.cli.add_command(seed_demo)
    app.cli.add_command(bench_data)
    app.cli.add_command(search)
    app.cli.add_command(events)
    app.cli.add_command(privacy)


@users.command("create-admin")
@click.option("--name", "display_name", prompt="Display name")
@click.option("--email", prompt="Email")
@click.option("--network-name", default=None, help="Name of the network (first setup only).")
@click.password_option("--password", help="Prompted for when not given.")
def create_admin(display_name: str, email: str, network_name: str | None, password: str) -> None:
    """Create an administrator. On an empty site this also sets the network up."""
    try:
        if site_settings.settings() is None:
            name = network_name or click.prompt("Name of your network")
            admin = setup.complete_setup(
                network_name=name, display_name=display_name, email=email, password=password
            )
        else:
            admin = setup.create_admin(display_name=display_name, email=email, password=password)
    except ValidationFailed as exc:
        for field, messages in exc.field_errors.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from exc
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Administrator {admin.display_name} <{admin.email}> created.")


@click.command("setup-token")
@with_appcontext
def setup_token() -> None:
    """Print the one-time link that opens the setup page (until the network is set up)."""
    if setup.is_set_up():
        click.echo("This network is already set up; the setup page is closed.")
        return
    setup.announce_setup_token()


@mail.command("deliver")
def deliver() -> None:
    """Send every email that is due, including retries of earlier failures."""
    sent, failed = mail_service.deliver_due(limit=1000)
    click.echo(f"{sent} sent, {failed} failed (kept for a later retry).")


@jobs.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Threads (JOBS_WORKERS).")
@with_appcontext
def jobs_worker(workers: int | None) -> None:
    """Run the jobs as they come, and the periodic ones on time, until stopped (production)."""
    jobs_service.consumer(current_app._get_current_object(), workers=workers).run()


@jobs.command("run")
@with_appcontext
def jobs_run() -> None:
    """Run every job waiting now, then stop (the queue is drained in this process)."""
    ran = jobs_service.run_pending(current_app._get_current_object())
    click.echo(f"{ran} job{'s' if ran != 1 else ''} run.")


@click.command("start")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@with_appcontext
def start(host: str, port: int) -> None:
    """Run the app and a jobs worker in one process: the one command of `make run`."""
    app = current_app._get_current_object()
    worker = jobs_service.start_beside(app)
    click.echo(f"Background jobs: a worker with {worker.workers} threads is running.")
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        worker.stop(graceful=True)


@richtext.command("rerender")
@click.option("--all", "everything", is_flag=True, help="Re-render every row, not only old ones.")
def rerender(everything: bool) -> None:
    """Re-render stored HTML after the sanitising rules changed (RULES_VERSION was bumped)."""
    counts = rendering.rerender_stored(everything)
    for model, count in counts.items():
        click.echo(f"{model}: {count} re-rendered")
    click.echo("Site documents re-rendered.")


@forums.command("recount")
def recount() -> None:
    """Rebuild reply, thread and post counts and latest activity from the posts themselves."""
    manage.recount()
    db.session.commit()
    click.echo("Forum and thread counters rebuilt.")


@events.command("purge-access-answers")
def purge_access_answers() -> None:
    """Delete access answers of events that ended more than EVENTS_ACCESS_ANSWERS_DAYS ago."""
    count = event_booking.purge_access_answers()
    click.echo(f"Access answers deleted from {count} bookings.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Fill an empty database with believable demo content, and say how to sign in."""
    from forum.devdata import demo  # dev data: loaded when its command runs, never in a worker

    try:
        accounts = demo.seed()
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Demo data created. Sign in at http://127.0.0.1:5000/signin as:")
    for role, email, password in accounts:
        click.echo(f"  {role:<28} {email:<36} password: {password}")


@click.command("bench-data")
@click.option("--members", default=2000, show_default=True, type=click.IntRange(min=3))
@click.option("--threads", default=5000, show_default=True, type=click.IntRange(min=3))
@click.option("--posts", default=200_000, show_default=True, type=click.IntRange(min=3))
@click.option("--ideas", default=5000, show_default=True, type=click.IntRange(min=2))
@click.option("--votes", default=100_000, show_default=True, type=click.IntRange(min=0))
@click.option(
    "--comments", type=click.IntRange(min=0), help="Comments on ideas [default: votes / 5]"
)
@click.option("--seed", default=8, show_default=True, help="The same seed makes the same data.")
@with_appcontext
def bench_data(**sizes: int) -> None:
    """Fill an empty, migrated database with benchmark data at scale, and print the pages to
    load as JSON (the contract is in bench/targets.py). Progress goes to stderr."""
    from forum.devdata import benchdata  # dev data: loaded when its command runs

    try:
        targets = benchdata.generate(
            benchdata.Sizes(**sizes), say=lambda m: click.echo(m, err=True)
        )
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(targets, indent=2))


@search.command("rebuild")
def search_rebuild() -> None:
    """Make the search index again from every post, thread, idea and comment (after loading data
    in bulk, or if it ever seems wrong; the migration that adds search fills it once)."""
    counts = search_documents.rebuild()
    db.session.commit()
    click.echo("Search index rebuilt: " + ", ".join(f"{n} {kind}s" for kind, n in counts.items()))


privacy = AppGroup("privacy", help="Erasures that are due, and what the network keeps no longer.")


@privacy.command("erase-due")
def erase_due() -> None:
    """Erase the accounts whose cooling-off has passed (run it hourly or daily)."""
    click.echo(f"{erasure.erase_due()} account(s) erased.")


@privacy.command("retention")
def retention() -> None:
    """Delete rejected applicants' answers and old mail, as Admin → Privacy says (daily)."""
    done = keeping.clean_up()
    click.echo(
        f"{done.answers} application(s) cleared, {done.mail_files} mail file(s) and "
        f"{done.outbox} sent mail(s) deleted."
    )
