"""Administrators keep the network's lists: crisis contacts, regions and their forums."""

from forum.services import site


def test_administrator_adds_moves_and_deletes_a_crisis_contact(app, admin_client):
    response = admin_client.submit(
        "/admin/crisis-contacts",
        {"name": "Local crisis line", "description": "Evenings", "phone": "0800 000 000"},
    )
    assert response.status_code == 302
    with app.app_context():
        added = site.crisis_contacts()[-1]
    assert added.name == "Local crisis line"
    assert admin_client.submit(f"/admin/crisis-contacts/{added.id}/up").status_code == 302
    with app.app_context():
        assert site.crisis_contacts()[-2].id == added.id
    assert admin_client.submit(f"/admin/crisis-contacts/{added.id}/delete").status_code == 302
    with app.app_context():
        assert added.id not in [c.id for c in site.crisis_contacts()]
