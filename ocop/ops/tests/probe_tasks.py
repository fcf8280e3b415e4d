"""A slow task for the worker tests (imported by the worker processes by its path)."""

from __future__ import annotations

import time

from django_tasks import task


@task(takes_context=True)
def slow_probe(context, label: str, seconds: float) -> dict:
    """Sleeps `seconds` in small steps, then records one audit entry: a run killed midway records
    nothing, a run to the end records exactly one."""
    from ocop.audit.services import log_action

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
    log_action(None, "ocop.test.probe_done", None, after={"label": label, "attempt": context.attempt})
    return {"label": label, "attempt": context.attempt}
