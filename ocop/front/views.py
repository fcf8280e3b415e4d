from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.accounts.views_audit import visible_entries
from ocop.evaluation.models_rounds import CouncilSeat, MemberScore, Recusal, RoundProduct, RoundStatus
from ocop.front.navigation import items_for
from ocop.reporting.services import worklist


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    recent = visible_entries(request.user)[:10] if can(request.user, "audit.view") else []
    return render(
        request,
        "front/home.html",
        {"scope": scope, "recent_entries": recent, "shortcuts": items_for(request.user)[1:], **_my_work(request.user)},
    )


def _my_work(user) -> dict:
    """What is due, returned, or waiting for this user's review or score, with deadlines."""
    due, returned = worklist.due_and_returned(user)
    return {
        "work_due": due,
        "work_returned": returned,
        "work_review": worklist.waiting_for_review(user),
        "work_score": _waiting_for_my_score(user),
    }


def _waiting_for_my_score(user) -> list:
    """Products of open rounds where the user holds a seat, has not recused and has not submitted a
    score sheet (one query)."""
    from django.db.models import Exists, OuterRef

    if not can(user, "evaluation.view"):
        return []
    seated = CouncilSeat.objects.filter(user=user, round=OuterRef("round"))
    recused = Recusal.objects.filter(user=user, round_product=OuterRef("pk"))
    scored = MemberScore.objects.filter(user=user, round_product=OuterRef("pk"), submitted_at__isnull=False)
    return list(
        RoundProduct.objects.filter(round__status=RoundStatus.OPEN)
        .filter(Exists(seated))
        .exclude(Exists(recused))
        .exclude(Exists(scored))
        .select_related("round", "product")
        .order_by("round__held_on", "pk")[:50]
    )


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_500(request):
    # No request context: the context processors may touch the database that just failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)
