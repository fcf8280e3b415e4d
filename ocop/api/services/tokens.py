"""Creating, revoking and checking API tokens. Tokens are random (256 bits), so a plain SHA-256 of the
token is a safe, indexed lookup key; the token itself is never stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.api.models import ApiToken
from ocop.audit.services import log_action

TOKEN_PREFIX = "ocop_"
MAX_ACTIVE_TOKENS = 20
# last use is written at most once a minute per token, not on every request
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def user_tokens(user):
    return ApiToken.objects.filter(user=user)


@transaction.atomic
def do_create_token(user, name: str, *, request=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token text (shown once, never stored)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Cần đặt tên cho khóa API.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Tên khóa tối đa 100 ký tự.")})
    if user_tokens(user).filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("Mỗi tài khoản có tối đa %(n)s khóa đang dùng; hãy thu hồi khóa không còn dùng.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=hash_token(raw)
    )
    log_action(
        user,
        "ocop.api.token.created",
        token,
        after={"name": name, "prefix": token.prefix},
        unit=user.scope_unit,
        request=request,
    )
    return token, raw


@transaction.atomic
def do_revoke_token(user, token: ApiToken, *, request=None) -> ApiToken:
    """Revoke one of the user's own tokens (idempotent)."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != getattr(user, "pk", None):
        raise PermissionDenied
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        log_action(
            user,
            "ocop.api.token.revoked",
            locked,
            before={"active": True},
            after={"active": False},
            unit=user.scope_unit,
            request=request,
        )
    return locked


def authenticate(raw: str, *, ip: str = ""):
    """The active user of an active token, or None. Records the last use (at most once a minute)."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__scope_unit")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip[:45])
    user = token.user
    user.api_token = token
    return user


def revoke_tokens_on_password_change(sender, user, reason, **kwargs) -> None:
    """Receiver of accounts' `password_changed` signal (connected in ApiConfig.ready)."""
    do_revoke_all_tokens(user, reason=reason)


def do_revoke_all_tokens(user, *, reason: str, request=None) -> int:
    """Revoke every active token of `user` (on a password change or reset: like the sessions, the API
    keys made under the old password stop working). Returns how many were revoked."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        log_action(
            None,
            "ocop.api.token.revoked",
            token,
            before={"active": True},
            after={"active": False},
            unit=user.scope_unit,
            reason=reason,
            request=request,
        )
    return len(tokens)
