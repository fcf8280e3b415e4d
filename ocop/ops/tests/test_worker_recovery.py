"""A task worker killed mid-task loses nothing: its task is put back in the queue once its
heartbeat stops, and another worker runs it to the end (ocop/ops/workers.py).

The first tests check the rule in-process (SQLite and PostgreSQL); the `postgres` ones start real
`manage.py db_worker` processes, SIGKILL one in the middle of a task and let a second finish it —
a slow probe task, and a national report rendered as PDF."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ocop.audit.models import AuditEntry
from ocop.ops.models import WorkerHeartbeat
from ocop.ops.tests.probe_tasks import slow_probe
from ocop.ops.tests.procs import Procs, process_env, wait_for
from ocop.ops.workers import beat, requeue_orphaned_tasks


def _running(task_result, worker_ids, started_ago: dt.timedelta):
    row = DBTaskResult.objects.get(pk=task_result.id)
    row.status = TaskResultStatus.RUNNING
    row.worker_ids = worker_ids
    row.started_at = timezone.now() - started_ago
    row.save()
    return row


@pytest.mark.django_db
def test_a_task_of_a_silent_worker_is_requeued_and_one_of_a_live_worker_is_not(settings):
    settings.TASK_WORKER_LEASE_SECONDS = 30
    DBTaskResult.objects.all().delete()
    dead = _running(slow_probe.enqueue(label="dead", seconds=0), ["w-dead"], dt.timedelta(minutes=5))
    WorkerHeartbeat.objects.create(
        worker_id="w-dead",
        started_at=timezone.now() - dt.timedelta(hours=1),
        seen_at=timezone.now() - dt.timedelta(minutes=2),
    )
    alive = _running(slow_probe.enqueue(label="alive", seconds=0), ["w-alive"], dt.timedelta(minutes=5))
    beat("w-alive")
    # just claimed by a worker whose first heartbeat is not written yet: within the lease, left alone
    fresh = _running(slow_probe.enqueue(label="fresh", seconds=0), ["w-new"], dt.timedelta(seconds=2))
    # run by an old worker without heartbeats, long ago
    legacy = _running(slow_probe.enqueue(label="legacy", seconds=0), ["w-legacy"], dt.timedelta(hours=2))

    done = requeue_orphaned_tasks()

    assert sorted(done["requeued"]) == sorted([str(dead.pk), str(legacy.pk)]) and done["failed"] == []
    states = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert states[dead.pk] == states[legacy.pk] == TaskResultStatus.READY
    assert states[alive.pk] == states[fresh.pk] == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=dead.pk).worker_ids == ["w-dead"]  # history kept


@pytest.mark.django_db
def test_a_task_that_keeps_killing_its_workers_is_failed_not_retried_for_ever(settings):
    settings.TASK_WORKER_LEASE_SECONDS = 30
    settings.TASK_MAX_ATTEMPTS = 3
    DBTaskResult.objects.all().delete()
    row = _running(slow_probe.enqueue(label="poison", seconds=0), ["a", "b", "c"], dt.timedelta(minutes=5))
    assert requeue_orphaned_tasks()["failed"] == [str(row.pk)]
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and "lost 3 workers" in row.traceback


@pytest.mark.django_db
def test_a_batch_worker_recovers_the_orphan_then_runs_it(settings, monkeypatch):
    """`db_worker --batch` (the in-process variant used by the tests and by cron) re-queues first."""
    settings.TASK_WORKER_LEASE_SECONDS = 30
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    DBTaskResult.objects.all().delete()
    row = _running(slow_probe.enqueue(label="batch", seconds=0), ["w-gone"], dt.timedelta(minutes=5))
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--worker-id", "w-batch", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and row.worker_ids == ["w-gone", "w-batch"]
    assert row.return_value == {"label": "batch", "attempt": 2}
    assert not WorkerHeartbeat.objects.filter(worker_id="w-batch").exists()  # removed on exit


@pytest.mark.django_db
def test_requeue_stale_tasks_command(settings, capsys):
    settings.TASK_WORKER_LEASE_SECONDS = 30
    DBTaskResult.objects.all().delete()
    _running(slow_probe.enqueue(label="cmd", seconds=0), ["w-x"], dt.timedelta(minutes=5))
    call_command("requeue_stale_tasks")
    assert "1 việc" in capsys.readouterr().out
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY


# --- real worker processes (PostgreSQL) -----------------------------------------------------------

FAST_LEASE = {"TASK_WORKER_HEARTBEAT_SECONDS": "1", "TASK_WORKER_LEASE_SECONDS": "3"}


def _kill(proc) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_loses_nothing(tmp_path):
    DBTaskResult.objects.all().delete()
    env = process_env(tmp_path, tmp_path / "media", **FAST_LEASE)
    procs = Procs(tmp_path)
    try:
        first = procs.worker("worker-1", env)
        result = slow_probe.enqueue(label="kill-me", seconds=4)
        wait_for(
            lambda: DBTaskResult.objects.filter(pk=result.id, status=TaskResultStatus.RUNNING).exists(),
            30,
            "the first worker to claim the task",
            procs,
        )
        time.sleep(1)
        _kill(first)  # mid-task: no chance to clean up
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == TaskResultStatus.RUNNING and row.worker_ids == ["worker-1"]
        assert not AuditEntry.objects.filter(action="ocop.test.probe_done").exists()

        procs.worker("worker-2", env)
        row = wait_for(
            lambda: DBTaskResult.objects.filter(pk=result.id, status=TaskResultStatus.SUCCESSFUL).first(),
            60,
            "the second worker to finish the task",
            procs,
        )
    finally:
        procs.stop_all()
    assert row.worker_ids == ["worker-1", "worker-2"]
    assert row.return_value == {"label": "kill-me", "attempt": 2}
    done = AuditEntry.objects.filter(action="ocop.test.probe_done")
    assert done.count() == 1 and done.get().after["label"] == "kill-me"  # ran to the end exactly once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pdf_render_killed_midway_is_finished_by_another_worker(tmp_path):
    from ocop.documents.pdf import soffice_path
    from ocop.ops.tests.test_two_nodes import national_request
    from ocop.reporting.models_jobs import RenderJob, RenderStatus
    from ocop.reporting.tasks import start_render_job

    if not soffice_path():
        pytest.fail("LibreOffice (soffice) is not installed: scripts/ensure_system.sh installs it.")
    req, central = national_request()
    media = tmp_path / "media"
    env = process_env(tmp_path, media, **FAST_LEASE)
    procs = Procs(tmp_path)
    DBTaskResult.objects.all().delete()
    try:
        first = procs.worker("worker-1", env)
        job = start_render_job(central, req, "pdf")
        # killed while LibreOffice converts (progress 80 %), or at least after the Word file is built
        wait_for(
            lambda: RenderJob.objects.filter(pk=job.pk, progress__gte=50).exists(),
            60,
            "the render to start",
            procs,
            step=0.05,
        )
        _kill(first)
        job.refresh_from_db()
        assert job.status == RenderStatus.RUNNING and job.attempts == 1
        procs.worker("worker-2", env)
        wait_for(
            lambda: RenderJob.objects.filter(pk=job.pk, status__in=[RenderStatus.DONE, RenderStatus.FAILED]).exists(),
            120,
            "the second worker to finish the render",
            procs,
        )
    finally:
        procs.stop_all()
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (RenderStatus.DONE, 100, 2), job.message
    path = media / job.file.name
    assert path.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # one job, one file
