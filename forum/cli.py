"""Flask commands: ``flask --app forum <command>``."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from forum.services import mail as mail_service
from forum.services import site
from forum.services.errors import DomainError, ValidationFailed

users = AppGroup("users", help="Manage people.")
mail = AppGroup("mail", help="The outbox of emails.")
richtext = AppGroup("richtext", help="Member-written Markdown and its stored HTML.")
forums = AppGroup("forums", help="Forums, threads and posts.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(mail)
    app.cli.add_command(richtext)
    app.cli.add_command(forums)
    app.cli.add_command(setup_token)
    app.cli.add_command(seed_demo)
    app.cli.add_command(bench_data)


@users.command("create-admin")
@click.option("--name", "display_name", prompt="Display name")
@click.option("--email", prompt="Email")
@click.option("--network-name", default=None, help="Name of the network (first setup only).")
@click.password_option("--password", help="Prompted for when not given.")
def create_admin(display_name: str, email: str, network_name: str | None, password: str) -> None:
    """Create an administrator. On an empty site this also sets the network up."""
    try:
        if site.settings() is None:
            name = network_name or click.prompt("Name of your network")
            admin = site.complete_setup(
                network_name=name, display_name=display_name, email=email, password=password
            )
        else:
            admin = site.create_admin(display_name=display_name, email=email, password=password)
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
    if site.is_set_up():
        click.echo("This network is already set up; the setup page is closed.")
        return
    site.announce_setup_token()


@mail.command("deliver")
def deliver() -> None:
    """Send every email that is due, including retries of earlier failures."""
    sent, failed = mail_service.deliver_due(limit=1000)
    click.echo(f"{sent} sent, {failed} failed (kept for a later retry).")


@richtext.command("rerender")
@click.option("--all", "everything", is_flag=True, help="Re-render every row, not only old ones.")
def rerender(everything: bool) -> None:
    """Re-render stored HTML after the sanitising rules changed (RULES_VERSION was bumped)."""
    from forum.services import rendering

    counts = rendering.rerender_stored(everything)
    for model, count in counts.items():
        click.echo(f"{model}: {count} re-rendered")
    click.echo("Site documents re-rendered.")


@forums.command("recount")
def recount() -> None:
    """Rebuild reply, thread and post counts and latest activity from the posts themselves."""
    from forum.extensions import db
    from forum.services import forums as forum_service

    forum_service.recount()
    db.session.commit()
    click.echo("Forum and thread counters rebuilt.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Fill an empty database with believable demo content, and say how to sign in."""
    from forum.services import demo

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
    from forum.services import benchdata

    try:
        targets = benchdata.generate(
            benchdata.Sizes(**sizes), say=lambda m: click.echo(m, err=True)
        )
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(targets, indent=2))
