from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

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
