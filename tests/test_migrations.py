"""The migrations in migrations/ create exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from forum import migrating
from forum.extensions import db


def test_models_and_migrations_do_not_drift(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_name": migrating.configure(app).configure_args["include_name"],
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations; run flask db migrate: {diff}"


def test_migrations_have_one_head(app):
    from alembic.script import ScriptDirectory

    with app.app_context():
        config = migrating.configure(app).migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrading_gives_existing_regions_their_forums_and_the_network_its_warnings(tmp_path):
    import sqlalchemy as sa

    from forum import create_app

    app = create_app(
        {
            "ENV": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret-key-not-for-production",
        }
    )
    with app.app_context():
        migrating.upgrade(revision="0001_foundation")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO site_settings (id, network_name, house_rules_source, "
                    "house_rules_html, house_rules_version, privacy_notice_source, "
                    "privacy_notice_html, privacy_notice_version, updated_at) "
                    "VALUES (1, 'Old network', '', '', '1', '', '', '1', '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO regions (name, slug, position, created_at) "
                    "VALUES ('Fife', 'fife', 0, '2026-01-01 00:00:00')"
                )
            )
        migrating.upgrade()
        with db.engine.connect() as connection:
            forums = connection.execute(
                sa.text("SELECT name, slug, audience, staff_only FROM forums ORDER BY id")
            ).all()
            warnings = connection.execute(sa.text("SELECT count(*) FROM content_warnings"))
            assert [tuple(f) for f in forums] == [
                ("Fife", "fife", "everyone", False),
                ("Moderators' room", "moderators-room", "everyone", True),  # 0017
            ]
            assert warnings.scalar() == 6
        db.engine.dispose()


def test_a_web_worker_does_not_load_alembic():
    """Alembic (and Mako, Pygments) cost a worker about 11 MB; only migrating loads them."""
    import subprocess
    import sys

    script = (
        "import sys; from forum import create_app; "
        "create_app({'ENV': 'testing', 'DATABASE_URL': 'sqlite://', "
        "'SECRET_KEY': 'test-secret-key-not-for-production'}); "
        "print(sorted(m for m in ('alembic', 'flask_migrate', 'mako') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_the_db_commands_run_flask_migrates_own(app):
    assert "migrate" not in app.extensions
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "heads"])
    assert result.exit_code == 0, result.output
    assert app.extensions["migrate"].directory.endswith("migrations")
    listed = runner.invoke(args=["db", "--help"])
    assert "upgrade" in listed.output and "downgrade" in listed.output
