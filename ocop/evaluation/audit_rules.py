"""Audit visibility of evaluation rounds, score sheets, certificates and applications
(ocop/accounts/audit_visibility.py).

Entries follow what the user may read of the round (council members: the rounds they sit on). A score
sheet's recorded values (choices, comments, total) follow the score sheets' own privacy rule
(`rounds.readable_score_sheets`, the same as `can_see_score_sheet`): the member who filled it in; once
the round is closed, also the round's chair and the officers who manage the round. Nobody else, and
before closing nobody but the member — not another member, not a central user.
"""

from __future__ import annotations

from ocop.accounts.permissions import can
from ocop.accounts.audit_visibility import NOTHING, objects_in, register
from ocop.evaluation import rounds
from ocop.evaluation.models import DataFile
from ocop.evaluation.models_rounds import MemberScore


def _criteria(user):
    return None if can(user, "evaluation.criteria") else NOTHING


register("evaluation.round", entries=lambda user: objects_in(rounds.readable_rounds(user)))
register("evaluation.roundproduct", entries=lambda user: objects_in(rounds.readable_entries(user)))
register(
    "evaluation.memberscore",
    entries=lambda user: objects_in(MemberScore.objects.filter(round_product__in=rounds.readable_entries(user))),
    values=lambda user: objects_in(rounds.readable_score_sheets(user)),
)
register("evaluation.certificate", entries=lambda user: objects_in(rounds.readable_certificates(user)))
register("evaluation.application", entries=lambda user: objects_in(rounds.readable_applications(user)))
register(DataFile._meta.label_lower, entries=_criteria)
