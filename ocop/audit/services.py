"""log_action: the one way to record a state change (pretix-style).

log_action(request.user, "ocop.user.created", user, after=snapshot(user, FIELDS), unit=user.scope_unit)
"""

from __future__ import annotations

import json
from typing import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from ocop.audit.models import AuditEntry


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """A JSON-safe dict of the named fields (foreign keys as their string form and id)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            related = getattr(obj, name)
            data[name] = str(related) if related is not None else None
        elif isinstance(field, models.FileField):
            data[name] = getattr(obj, name).name or None
        else:
            data[name] = getattr(obj, field.attname)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def log_action(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    unit=None,
    reason: str = "",
    request=None,
) -> AuditEntry:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ip = ""
    if request is not None:
        ip = request.META.get("REMOTE_ADDR", "")[:45]
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor else "hệ thống")[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        unit=unit,
        before=json.loads(json.dumps(before, cls=DjangoJSONEncoder)) if before is not None else None,
        after=json.loads(json.dumps(after, cls=DjangoJSONEncoder)) if after is not None else None,
        reason=reason,
        ip=ip,
    )
