"""Administrators: regions, forums, content warnings, roles (and moderators' regions), crisis
contacts, settings and moderation settings. Every change is in the audit log (the services
record it, with ``actor``)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import db
from forum.forms import add_errors
from forum.forms.admin import (
    CrisisContactForm,
    ModerationSettingsForm,
    RegionForm,
    RoleForm,
    SettingsForm,
)
from forum.forms.forums import ForumForm, WarningForm
from forum.models import Forum, Role
from forum.permissions import admin_required
from forum.services import content_warnings, forums, site
from forum.services.errors import Conflict, NotFound, ValidationFailed

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html")


@bp.route("/regions", methods=["GET", "POST"])
@admin_required
def regions():
    form = RegionForm()
    if form.validate_on_submit():
        try:
            region = site.save_region(form.name.data, actor=current_user)
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            flash(f"Region “{region.name}” added.", "success")
            return redirect(url_for("admin.regions"))
    return render_template(
        "admin/regions.html", form=form, regions=site.regions(include_archived=True)
    ), 422 if form.errors else 200


@bp.post("/regions/<int:region_id>")
@admin_required
def edit_region(region_id: int):
    return _edit_listed(
        region_id,
        RegionForm(),
        save=site.save_region,
        move=site.move_region,
        set_archived=site.set_region_archived,
        message="Regions updated.",
        back="admin.regions",
    )


def _edit_listed(item_id: int, form, *, save, move, set_archived, message: str, back: str):
    """Rename, move up or down, archive or restore one item of a list administrators keep in
    order (regions, content warnings): the pressed button says which."""
    action = request.form.get("action", "rename")
    try:
        if action == "rename":
            if not form.validate():
                raise ValidationFailed(form.errors)
            save(form.name.data, item_id, actor=current_user)
        elif action in ("up", "down"):
            move(item_id, -1 if action == "up" else 1, actor=current_user)
        elif action in ("archive", "restore"):
            set_archived(item_id, action == "archive", actor=current_user)
        else:
            abort(400)
    except (NotFound, ValidationFailed) as exc:
        flash(str(exc), "warning")
    else:
        flash(message, "success")
    return redirect(url_for(back))


@bp.route("/forums", methods=["GET", "POST"])
@admin_required
def forum_list():
    """Every forum, and a form to add a national one (regions bring their own)."""
    form = ForumForm()
    if form.validate_on_submit():
        try:
            forum = forums.save_forum(
                name=form.name.data,
                description=form.description.data,
                hold_first_posts=form.hold_first_posts.data,
                actor=current_user,
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            flash(f"Forum “{forum.name}” added.", "success")
            return redirect(url_for("admin.forum_list"))
    return render_template(
        "admin/forums.html", form=form, forums=forums.all_forums()
    ), 422 if form.errors else 200


@bp.route("/forums/<int:forum_id>", methods=["GET", "POST"])
@admin_required
def edit_forum(forum_id: int):
    forum = db.get_or_404(Forum, forum_id)
    form = ForumForm(obj=forum)
    if form.validate_on_submit():
        try:
            forums.save_forum(
                name=form.name.data,
                description=form.description.data,
                audience=form.audience.data,
                forum_id=forum.id,
                hold_first_posts=form.hold_first_posts.data,
                actor=current_user,
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            flash("Forum saved.", "success")
            return redirect(url_for("admin.forum_list"))
    return render_template("admin/forum_edit.html", form=form, forum=forum), (
        422 if form.errors else 200
    )


@bp.post("/forums/<int:forum_id>/<any(up, down, archive, restore):action>")
@admin_required
def change_forum(forum_id: int, action: str):
    try:
        if action in ("up", "down"):
            forums.move_forum(forum_id, -1 if action == "up" else 1, actor=current_user)
        else:
            forums.set_forum_archived(forum_id, action == "archive", actor=current_user)
    except NotFound as exc:
        flash(str(exc), "warning")
    else:
        flash("Forums updated.", "success")
    return redirect(url_for("admin.forum_list"))


@bp.route("/warnings", methods=["GET", "POST"])
@admin_required
def warnings():
    form = WarningForm()
    if form.validate_on_submit():
        try:
            warning = content_warnings.save_warning(form.name.data, actor=current_user)
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            flash(f"Warning “{warning.name}” added.", "success")
            return redirect(url_for("admin.warnings"))
    return render_template(
        "admin/warnings.html",
        form=form,
        warnings=content_warnings.all_warnings(include_archived=True),
    ), 422 if form.errors else 200


@bp.post("/warnings/<int:warning_id>")
@admin_required
def edit_warning(warning_id: int):
    return _edit_listed(
        warning_id,
        WarningForm(),
        save=content_warnings.save_warning,
        move=content_warnings.move_warning,
        set_archived=content_warnings.set_warning_archived,
        message="Content warnings updated.",
        back="admin.warnings",
    )


@bp.get("/members")
@admin_required
def members():
    query = request.args.get("q", "").strip()[:100]
    page = db.paginate(site.member_directory(query), per_page=50, error_out=False)
    return render_template(
        "admin/members.html",
        page=page,
        q=query,
        role_form=RoleForm(),
        regions=site.regions(include_archived=True),
    )


@bp.post("/members/<int:member_id>/role")
@admin_required
def set_role(member_id: int):
    form = RoleForm()
    if form.validate_on_submit():
        try:
            member = site.set_role(member_id, Role(form.role.data), actor=current_user)
        except (Conflict, NotFound) as exc:
            flash(str(exc), "warning")
        else:
            flash(f"{member.display_name} is now {member.role.value}.", "success")
    else:
        flash("Choose a role from the list.", "warning")
    return redirect(url_for("admin.members", q=request.args.get("q", "")))


@bp.post("/members/<int:member_id>/regions")
@admin_required
def set_regions(member_id: int):
    """The regions a moderator looks after (none: every region)."""
    ids = [int(v) for v in request.form.getlist("regions") if v.isdigit()]
    try:
        member = site.set_moderator_regions(member_id, ids, actor=current_user)
    except NotFound as exc:
        flash(str(exc), "warning")
    except ValidationFailed as exc:
        flash(str(exc), "warning")
    else:
        names = ", ".join(r.name for r in member.moderated_regions) or "every region"
        flash(f"{member.display_name} now moderates {names}.", "success")
    return redirect(url_for("admin.members", q=request.args.get("q", "")))


@bp.route("/crisis-contacts", methods=["GET", "POST"])
@admin_required
def crisis_contacts():
    form = CrisisContactForm()
    if form.validate_on_submit():
        try:
            site.save_crisis_contact(None, actor=current_user, **_contact_fields(form))
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            flash("Contact added.", "success")
            return redirect(url_for("admin.crisis_contacts"))
    return render_template(
        "admin/crisis_contacts.html", form=form, contacts=site.crisis_contacts()
    ), 422 if form.errors else 200


def _contact_fields(form: CrisisContactForm) -> dict[str, str]:
    return {name: form[name].data for name in ("name", "description", "phone", "sms", "url")}


@bp.route("/crisis-contacts/<int:contact_id>", methods=["GET", "POST"])
@admin_required
def edit_crisis_contact(contact_id: int):
    try:
        contact = site.crisis_contact(contact_id)
    except NotFound:
        abort(404)
    form = CrisisContactForm(obj=contact)
    if form.validate_on_submit():
        try:
            site.save_crisis_contact(contact_id, actor=current_user, **_contact_fields(form))
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            flash("Contact saved.", "success")
            return redirect(url_for("admin.crisis_contacts"))
    return render_template(
        "admin/crisis_contact_edit.html", form=form, contact=contact
    ), 422 if form.errors else 200


@bp.post("/crisis-contacts/<int:contact_id>/<any(up, down, delete):action>")
@admin_required
def change_crisis_contact(contact_id: int, action: str):
    try:
        if action == "delete":
            site.delete_crisis_contact(contact_id, actor=current_user)
        else:
            site.move_crisis_contact(contact_id, -1 if action == "up" else 1, actor=current_user)
    except NotFound as exc:
        flash(str(exc), "warning")
    return redirect(url_for("admin.crisis_contacts"))


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    current = site.settings()
    form = SettingsForm(
        data={
            "network_name": current.network_name,
            "house_rules": current.house_rules_source,
            "privacy_notice": current.privacy_notice_source,
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            site.update_settings(
                network_name=form.network_name.data,
                house_rules=form.house_rules.data,
                privacy_notice=form.privacy_notice.data,
                actor=current_user,
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, site=current), (
        422 if form.errors else 200
    )


@bp.route("/moderation", methods=["GET", "POST"])
@admin_required
def moderation_settings():
    """When reported content hides itself, and how many first posts wait for approval."""
    current = site.settings()
    form = ModerationSettingsForm(obj=current if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            site.update_moderation_settings(
                auto_hide_reports=form.auto_hide_reports.data,
                hold_first_posts=form.hold_first_posts.data,
                actor=current_user,
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            flash("Moderation settings saved.", "success")
            return redirect(url_for("admin.moderation_settings"))
    return render_template("admin/moderation.html", form=form), 422 if form.errors else 200
