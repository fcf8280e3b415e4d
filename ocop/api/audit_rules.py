"""Audit visibility of API tokens (ocop/accounts/audit_visibility.py): a token's entries are its owner's only
(central administrators see every entry)."""

from ocop.api.models import ApiToken
from ocop.accounts.audit_visibility import objects_in, register

register("api.apitoken", entries=lambda user: objects_in(ApiToken.objects.filter(user=user)))
