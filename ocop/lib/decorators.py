"""`require_capability`: a view decorator for the capabilities of ocop/accounts/permissions.py.

`lib` sits below the accounts app and knows nothing of roles (docs/architecture.md, Layers): the
accounts app hands it its capability check when it starts (AccountsConfig.ready calls
`set_capability_check(can)`). Until then every capability is refused."""

from functools import wraps
from typing import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

_capability_check: Callable[[object, str], bool] | None = None


def set_capability_check(check: Callable[[object, str], bool]) -> None:
    """Called once by the accounts app: `check(user, capability)` says whether the user has it."""
    global _capability_check
    _capability_check = check


def require_capability(capability: str):
    """Login required, then the user's role must have `capability` (403 otherwise)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if _capability_check is None or not _capability_check(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
