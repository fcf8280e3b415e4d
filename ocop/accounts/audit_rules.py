"""Audit visibility of user accounts (ocop/accounts/audit_visibility.py): an entry about an account (its
creation, changes, sign-ins, password changes) is seen by whoever sees the account in the user list,
and by the account's own user; nobody else learns another user's e-mail address or sign-ins."""

from django.db.models import Q

from ocop.accounts.models import User
from ocop.accounts.services.users import manageable_users
from ocop.accounts.audit_visibility import objects_in, register


def readable_accounts(user):
    return User.objects.filter(Q(pk__in=manageable_users(user).values("pk")) | Q(pk=user.pk))


register("accounts.user", entries=lambda user: objects_in(readable_accounts(user)))
