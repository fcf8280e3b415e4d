"""Who may see which audit entries, and which of their recorded values.

An audit entry is about an object (`object_type`, `object_id`). A user sees the entry only when
they may read that object, and sees the values it recorded (before/after: scores, e-mail addresses,
draft texts…) only when they may read those values about it. Each app says so for the object types it
audits, in its `audit_rules.py` (loaded when the project starts):

    from ocop.accounts.audit_visibility import objects_in, register
    register("evaluation.memberscore",
             entries=lambda user: objects_in(readable_entries_of_sheets(user)),   # may read the object
             values=lambda user: objects_in(readable_score_sheets(user)))         # may read its values

`entries` and `values` return a Q over AuditEntry (`objects_in(queryset)` builds it from the objects the
user may read; `by_unit(user, capability)` from the entry's unit and a capability; `None` means all).
`values` defaults to `entries`. On top of that every non-national user sees only entries whose unit is in
their scope, and the IP address of an entry is shown to central administrators and to the actor only.

An object type without a rule is shown to nobody but central administrators: a new audited model must
register its rule (ocop/audit/tests/test_visibility.py lists the audited types).

It lives in the accounts app, above the audit trail (ocop/audit: the entries and `log_action`), since
it needs the roles and the scope (docs/architecture.md, Layers); AccountsConfig.ready loads the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from ocop.accounts.models import Role
from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.audit.models import AuditEntry

Rule = Callable[[object], "Q | None"]
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class AuditRule:
    entries: Rule
    values: Rule | None = None


REGISTRY: dict[str, AuditRule] = {}


def register(object_type: str, *, entries: Rule, values: Rule | None = None) -> None:
    """Declare who may see the audit entries about objects of `object_type` ("app_label.model")."""
    REGISTRY[object_type] = AuditRule(entries=entries, values=values)


def objects_in(qs: QuerySet) -> Q:
    """Entries about the objects of `qs` (object_id is stored as text)."""
    return Q(object_id__in=qs.order_by().annotate(_audit_id=Cast("pk", output_field=CharField())).values("_audit_id"))


def by_unit(user, capability: str | None = None) -> Q | None:
    """Entries whose unit is in the user's scope (None: all), for holders of `capability`."""
    if capability and not can(user, capability):
        return NOTHING
    return None  # the unit scope is applied to every entry by visible_entries


def _combine(user, which: str) -> Q:
    q = NOTHING
    for object_type, rule in REGISTRY.items():
        fn = rule.entries if which == "entries" or rule.values is None else rule.values
        part = fn(user)
        q |= Q(object_type=object_type) & (part if part is not None else Q())
    return q


def _is_central_admin(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.CENTRAL_ADMIN


def visible_entries(user, qs: QuerySet | None = None) -> QuerySet:
    """The entries `user` may see (the audit list, the home page, the export)."""
    qs = AuditEntry.objects.select_related("unit", "actor") if qs is None else qs
    if not can(user, "audit.view"):
        return qs.none()
    qs = scope_for(user).filter(qs, "unit") if not scope_for(user).national else qs
    if _is_central_admin(user):
        return qs
    return qs.filter(_combine(user, "entries"))


def with_visible_values(user, qs: QuerySet) -> QuerySet:
    """The entries of `qs` whose recorded values `user` may see (one query for a whole export)."""
    q = _combine(user, "values")
    if _is_central_admin(user):
        q |= ~Q(object_type__in=list(REGISTRY))  # unregistered types: central administrators
    return qs.filter(q)


def may_see_values(user, entry) -> bool:
    """Whether `user` may see the values (before, after, reason) recorded in `entry`."""
    rule = REGISTRY.get(entry.object_type)
    if rule is None:
        return _is_central_admin(user)
    fn = rule.values or rule.entries
    part = fn(user)
    if part is None:
        return True
    return AuditEntry.objects.filter(pk=entry.pk).filter(Q(object_type=entry.object_type) & part).exists()


def may_see_ip(user, entry) -> bool:
    return _is_central_admin(user) or (entry.actor_id is not None and entry.actor_id == getattr(user, "pk", None))


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("audit_rules")


# entries about no object (events of a unit, e.g. a system task): by the unit alone
register("", entries=lambda user: by_unit(user))
