"""Audit visibility of the provincial programme registries (ocop/accounts/audit_visibility.py): the holders of
programme.view, for the units of their scope (deleted records included)."""

from ocop.accounts.audit_visibility import by_unit, register
from ocop.programme.models import ProgrammeRecord

for model in ProgrammeRecord.__subclasses__():
    register(model._meta.label_lower, entries=lambda user: by_unit(user, "programme.view"))
