from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver
from django.utils.translation import gettext as _

from ocop.accounts.services.throttle import clear_failures
from ocop.audit.services import log_action


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    clear_failures(user.get_username())
    log_action(user, "ocop.auth.login", user, unit=user.scope_unit, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        log_action(user, "ocop.auth.logout", user, unit=user.scope_unit, request=request)


# A new password hash (changed by the user, reset by e-mail, set by a manager or `manage.py
# changepassword`) ends the sessions (Django's session hash is derived from it) and sends
# `password_changed(sender=User, user=..., reason=...)`: the API app (above accounts) connects to it in its
# AppConfig.ready and revokes the user's API tokens, so a stolen token does not outlive the password it
# was made under.
password_changed = Signal()


@receiver(pre_save, sender=get_user_model())
def note_password_change(sender, instance, update_fields=None, raw=False, **kwargs):
    instance._ocop_password_changed = False
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._ocop_password_changed = old is not None and old != instance.password


@receiver(post_save, sender=get_user_model())
def revoke_tokens_on_password_change(sender, instance, created=False, raw=False, **kwargs):
    if raw or created or not getattr(instance, "_ocop_password_changed", False):
        return
    instance._ocop_password_changed = False
    password_changed.send(sender=sender, user=instance, reason=_("Mật khẩu đã đổi: các khóa API cũ bị thu hồi."))
