"""Walks every URL of the app as each role, with an object inside the user's scope and one outside,
and proves that nothing outside the scope can be read or changed.

Every named URL must appear in URL_SPECS: a new page without a scope rule fails this test.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ocop.accounts.models import Role, User
from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.audit.models import AuditEntry
from ocop.audit.services import log_action
from ocop.geo.models import AdminUnit, Era, Level

pytestmark = pytest.mark.django_db

# kind: "public" (anyone), "signed-in" (any signed-in user), "capability" (signed-in with a
# capability, no object), "object" (an object with a unit: in scope vs out of scope).
URL_SPECS = {
    "home": ("signed-in", None),
    "healthz": ("public", None),
    "set_language": ("public", None),
    "accounts:login": ("public", None),
    "accounts:logout": ("public", None),
    "accounts:profile": ("signed-in", None),
    "accounts:password_change": ("signed-in", None),
    "accounts:password_change_done": ("signed-in", None),
    "accounts:password_reset": ("public", None),
    "accounts:password_reset_done": ("public", None),
    "accounts:password_reset_confirm": ("public", None),
    "accounts:password_reset_complete": ("public", None),
    "accounts:user_list": ("capability", "users.view"),
    "accounts:user_new": ("capability", "users.manage"),
    "accounts:user_edit": ("object", "users.manage"),
    "audit:entry_list": ("capability", "audit.view"),
    "audit:entry_detail": ("object", "audit.view"),
    "geo:unit_list": ("capability", "units.view"),
    "geo:unit_detail": ("reference", "units.view"),
    "geo:map": ("capability", "map.view"),
}


def all_url_names(resolver=None, prefix="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= all_url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_has_a_scope_rule():
    missing = all_url_names() - set(URL_SPECS)
    assert not missing, f"URLs without a scope rule in URL_SPECS: {sorted(missing)}"


def unit(era, level, code):
    return AdminUnit.objects.get(era=era, level=level, code=code)


@pytest.fixture
def scoped_objects(demo_users):
    """For each demo user: (in-scope objects, out-of-scope objects) per URL name."""
    ha_tinh = unit(Era.CURRENT, Level.PROVINCE, "42")
    bac_kan_commune = unit(Era.LEGACY, Level.COMMUNE, "01888")  # Chợ Rã, Ba Bể, Bắc Kạn (now Thái Nguyên)
    far_user = User.objects.create(username="far.away", role=Role.PROVINCE_OFFICER, scope_unit=ha_tinh)
    objects = {}
    for username, user in demo_users.items():
        own_unit = user.scope_unit
        own_entry = log_action(None, "test.own", user, unit=own_unit)
        far_entry = log_action(None, "test.far", far_user, unit=ha_tinh)
        inside = {"audit:entry_detail": own_entry}
        outside = {"audit:entry_detail": far_entry, "accounts:user_edit": far_user}
        if user.role == Role.PROVINCE_OFFICER:
            colleague = User.objects.create(username=f"colleague.{username}", role=Role.COMMUNE_OFFICER,
                                            scope_unit=AdminUnit.objects.filter(province=own_unit, level=Level.COMMUNE).first())
            inside["accounts:user_edit"] = colleague
            if own_unit.code == "42":
                outside["audit:entry_detail"] = log_action(None, "test.far", user, unit=bac_kan_commune)
                outside["accounts:user_edit"] = demo_users["tinh.thainguyen"]
        elif user.is_national:
            inside["accounts:user_edit"] = far_user
            outside = {}  # national users have nothing outside their scope
        objects[username] = (inside, outside)
    return objects


def url_for(name, obj=None):
    if name == "accounts:password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    if obj is not None:
        return reverse(name, kwargs={"pk": obj.pk})
    if name == "geo:unit_detail":
        return reverse(name, kwargs={"pk": AdminUnit.objects.order_by("pk").first().pk})
    return reverse(name)


def test_anonymous_sees_only_public_pages(client, scoped_objects, demo_users):
    for name, (kind, _cap) in URL_SPECS.items():
        obj = scoped_objects["tw.quantri"][0].get(name) if kind == "object" else None
        response = client.get(url_for(name, obj))
        if kind == "public":
            assert response.status_code in (200, 302, 405), (name, response.status_code)
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize(
    "username",
    ["tw.quantri", "tw.canbo", "tinh.thainguyen", "tinh.hatinh", "huyen.babe", "xa.ducxuan", "hoidong.thainguyen", "chuthe.demo"],
)
def test_each_role_reads_and_writes_only_its_scope(client, scoped_objects, demo_users, username):
    user = demo_users[username]
    client.force_login(user)
    inside, outside = scoped_objects[username]
    for name, (kind, cap) in URL_SPECS.items():
        if name in ("accounts:logout", "set_language"):
            continue
        if kind in ("public", "signed-in"):
            assert client.get(url_for(name)).status_code in (200, 302), name
            continue
        allowed = can(user, cap)
        if kind in ("capability", "reference"):
            status = client.get(url_for(name)).status_code
            assert status == (200 if allowed else 403), (username, name, status)
            continue
        # object-level: in scope readable only with the capability; out of scope never.
        if name in inside:
            status = client.get(url_for(name, inside[name])).status_code
            assert status == (200 if allowed else 403), (username, name, "inside", status)
        if name in outside:
            target = outside[name]
            status = client.get(url_for(name, target)).status_code
            assert status in (403, 404), (username, name, "outside", status)
            response = client.post(url_for(name, target), {"username": "hijacked", "role": user.role, "full_name": "x"})
            assert response.status_code in (403, 404, 405), (username, name, "outside POST", response.status_code)
            target.refresh_from_db()
            assert getattr(target, "username", "") != "hijacked"


def test_lists_contain_only_scoped_rows(client, scoped_objects, demo_users):
    user = demo_users["tinh.hatinh"]
    client.force_login(user)
    html = client.get(reverse("audit:entry_list")).content.decode()
    assert "test.far" in html  # Hà Tĩnh's own entries (logged on far.away, unit Hà Tĩnh)
    entries = list(AuditEntry.objects.all())
    assert any(not scope_for(user).covers(e.unit) for e in entries)
    for entry in entries:
        assert (f'href="/audit/{entry.pk}/"' in html) == scope_for(user).covers(entry.unit), entry
    users_html = client.get(reverse("accounts:user_list")).content.decode()
    assert "far.away" in users_html and "tinh.thainguyen" not in users_html and "tw.quantri" not in users_html


def test_legacy_records_are_readable_by_the_successor_province_but_not_writable(demo_users):
    officer = demo_users["tinh.thainguyen"]
    scope = scope_for(officer)
    cho_ra = unit(Era.LEGACY, Level.COMMUNE, "01888")
    assert scope.covers(cho_ra) and not scope.covers(cho_ra, write=True)
    assert not scope.covers(unit(Era.CURRENT, Level.PROVINCE, "42"))
    assert not scope_for(demo_users["tinh.hatinh"]).covers(cho_ra)
    district = scope_for(demo_users["huyen.babe"])
    assert district.covers(cho_ra, write=True)
    assert not district.covers(unit(Era.LEGACY, Level.PROVINCE, "06"))
