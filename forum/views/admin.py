"""Administrators: regions, forums, content warnings, roles (and moderators' regions), crisis
contacts, settings and moderation settings. Every change is in the audit log (the services
record it, with ``actor``)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import db
from forum.forms.admin import (
    AccessibilityForm,
    CrisisContactForm,
    ModeratedHoursForm,
    ModerationSettingsForm,
    RegionForm,
    RoleForm,
    SettingsForm,
)
from forum.forms.forums import ForumForm, WarningForm
from forum.models import Forum, Role
from forum.numbers import whole, whole_or_none
from forum.permissions import admin_required
from forum.services import site_settings
from forum.services.errors import Conflict, NotFound, ValidationFailed
from forum.services.forums import content_warnings, manage
from forum.services.network import accessibility, roles
from forum.services.network import crisis_contacts as network_crisis_contacts
from forum.services.network import regions as network_regions
from forum.views import errors_on, form_page

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
        with errors_on(form):
            region = network_regions.save_region(form.name.data, actor=current_user)
            flash(f"Region “{region.name}” added.", "success")
            return redirect(url_for("admin.regions"))
    return form_page(
        "admin/regions.html", form, regions=network_regions.regions(include_archived=True)
    )


@bp.post("/regions/<int:region_id>")
@admin_required
def edit_region(region_id: int):
    return _edit_listed(
        region_id,
        RegionForm(),
        save=network_regions.save_region,
        move=network_regions.move_region,
        set_archived=network_regions.set_region_archived,
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
        with errors_on(form):
            forum = manage.save_forum(
                name=form.name.data,
                description=form.description.data,
                hold_first_posts=form.hold_first_posts.data,
                actor=current_user,
            )
            flash(f"Forum “{forum.name}” added.", "success")
            return redirect(url_for("admin.forum_list"))
    return form_page("admin/forums.html", form, forums=manage.all_forums())


@bp.route("/forums/<int:forum_id>", methods=["GET", "POST"])
@admin_required
def edit_forum(forum_id: int):
    forum = db.get_or_404(Forum, forum_id)
    form = ForumForm(obj=forum)
    if request.method == "GET" and forum.staff_only:
        form.audience.data = manage.STAFF
    if form.validate_on_submit():
        with errors_on(form):
            manage.save_forum(
                name=form.name.data,
                description=form.description.data,
                audience=form.audience.data,
                forum_id=forum.id,
                hold_first_posts=form.hold_first_posts.data,
                actor=current_user,
            )
            flash("Forum saved.", "success")
            return redirect(url_for("admin.forum_list"))
    return form_page("admin/forum_edit.html", form, forum=forum)


@bp.post("/forums/<int:forum_id>/<any(up, down, archive, restore):action>")
@admin_required
def change_forum(forum_id: int, action: str):
    try:
        if action in ("up", "down"):
            manage.move_forum(forum_id, -1 if action == "up" else 1, actor=current_user)
        else:
            manage.set_forum_archived(forum_id, action == "archive", actor=current_user)
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
        with errors_on(form):
            warning = content_warnings.save_warning(form.name.data, actor=current_user)
            flash(f"Warning “{warning.name}” added.", "success")
            return redirect(url_for("admin.warnings"))
    return form_page(
        "admin/warnings.html",
        form,
        warnings=content_warnings.all_warnings(include_archived=True),
    )


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
    number = request.args.get("page", 1, type=whole)
    page = db.paginate(roles.member_directory(query), page=number, per_page=50, error_out=False)
    return render_template(
        "admin/members.html",
        page=page,
        q=query,
        role_form=RoleForm(),
        regions=network_regions.regions(include_archived=True),
    )


@bp.post("/members/<int:member_id>/role")
@admin_required
def set_role(member_id: int):
    form = RoleForm()
    if form.validate_on_submit():
        try:
            member = roles.set_role(member_id, Role(form.role.data), actor=current_user)
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
    ids = [n for n in map(whole_or_none, request.form.getlist("regions")) if n is not None]
    try:
        member = roles.set_moderator_regions(member_id, ids, actor=current_user)
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
        with errors_on(form):
            network_crisis_contacts.save_crisis_contact(
                None, actor=current_user, **_contact_fields(form)
            )
            flash("Contact added.", "success")
            return redirect(url_for("admin.crisis_contacts"))
    return _contacts_page(form, ModeratedHoursForm(data=_hours()))


def _hours() -> dict[str, str]:
    site = site_settings.settings()
    return {"moderated_hours": site.moderated_hours if site else ""}


def _contacts_page(form: CrisisContactForm, hours_form: ModeratedHoursForm):
    status = 422 if form.errors or hours_form.errors else 200
    contacts = network_crisis_contacts.crisis_contacts()
    page = render_template(
        "admin/crisis_contacts.html", form=form, hours_form=hours_form, contacts=contacts
    )
    return page, status


@bp.post("/crisis-contacts/hours")
@admin_required
def moderated_hours():
    """When moderators are around, shown beside the crisis contacts and in the footer."""
    hours_form = ModeratedHoursForm()
    if hours_form.validate_on_submit():
        with errors_on(hours_form):
            site_settings.update_moderated_hours(
                hours_form.moderated_hours.data, actor=current_user
            )
            flash("Moderated hours saved.", "success")
            return redirect(url_for("admin.crisis_contacts"))
    return _contacts_page(CrisisContactForm(formdata=None), hours_form)


def _contact_fields(form: CrisisContactForm) -> dict[str, str]:
    return {name: form[name].data for name in ("name", "description", "phone", "sms", "url")}


@bp.route("/crisis-contacts/<int:contact_id>", methods=["GET", "POST"])
@admin_required
def edit_crisis_contact(contact_id: int):
    contact = network_crisis_contacts.crisis_contact(contact_id)
    form = CrisisContactForm(obj=contact)
    if form.validate_on_submit():
        with errors_on(form):
            network_crisis_contacts.save_crisis_contact(
                contact_id, actor=current_user, **_contact_fields(form)
            )
            flash("Contact saved.", "success")
            return redirect(url_for("admin.crisis_contacts"))
    return form_page("admin/crisis_contact_edit.html", form, contact=contact)


@bp.post("/crisis-contacts/<int:contact_id>/<any(up, down, delete):action>")
@admin_required
def change_crisis_contact(contact_id: int, action: str):
    try:
        if action == "delete":
            network_crisis_contacts.delete_crisis_contact(contact_id, actor=current_user)
        else:
            network_crisis_contacts.move_crisis_contact(
                contact_id, -1 if action == "up" else 1, actor=current_user
            )
    except NotFound as exc:
        flash(str(exc), "warning")
    return redirect(url_for("admin.crisis_contacts"))


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    current = site_settings.settings()
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
        with errors_on(form):
            site_settings.update_settings(
                network_name=form.network_name.data,
                house_rules=form.house_rules.data,
                privacy_notice=form.privacy_notice.data,
                actor=current_user,
            )
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return form_page("admin/settings.html", form, site=current)


@bp.route("/accessibility", methods=["GET", "POST"])
@admin_required
def accessibility_statement():
    """The accessibility statement's text (empty: the default) and when it was last checked."""
    current = accessibility.statement()
    data = {"statement": current.source, "checked_on": current.checked_on}
    form = AccessibilityForm(data=data if request.method == "GET" else None)
    if form.validate_on_submit():
        with errors_on(form):
            accessibility.save(
                current_user, text=form.statement.data, checked_on=form.checked_on.data
            )
            flash("The accessibility statement is saved.", "success")
            return redirect(url_for("admin.accessibility_statement"))
    return form_page("admin/accessibility.html", form, statement=current)


@bp.route("/moderation", methods=["GET", "POST"])
@admin_required
def moderation_settings():
    """When reported content hides itself, and how many first posts wait for approval."""
    current = site_settings.settings()
    form = ModerationSettingsForm(obj=current if request.method == "GET" else None)
    if form.validate_on_submit():
        with errors_on(form):
            site_settings.update_moderation_settings(
                auto_hide_reports=form.auto_hide_reports.data,
                hold_first_posts=form.hold_first_posts.data,
                earlier_versions_public=form.earlier_versions_public.data,
                reports_alert_count=form.reports_alert_count.data,
                hold_outside_hours=form.hold_outside_hours.data,
                actor=current_user,
            )
            flash("Moderation settings saved.", "success")
            return redirect(url_for("admin.moderation_settings"))
    return form_page("admin/moderation.html", form)
