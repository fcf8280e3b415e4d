"""The council's composition and quorum as data (ocop/evaluation/data/council/council_rules.json,
sources in ocop/evaluation/SOURCES.md), and the checks a round must pass before it is closed.

QĐ 1048, QĐ 148 and QĐ 1489 leave the number of members and the quorum to each council's own
Quy chế; the file keeps the published examples, marked [?] where no source fixes them. The file sits
in a sub-folder of data/ so the criteria loader (which reads data/*.json) does not read it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from ocop.evaluation.models_rounds import SeatRole

RULES_FILE = Path(__file__).resolve().parent / "data" / "council" / "council_rules.json"


class CouncilRulesError(ValueError):
    pass


@dataclass(frozen=True)
class CouncilRule:
    levels: tuple[str, ...]
    valid_from: dt.date
    valid_to: dt.date | None
    chair_required: bool
    secretary_required: bool
    secretary_scores: bool
    min_scoring_members: int
    quorum_numerator: int
    quorum_denominator: int
    chair_present: bool
    min_scores_per_product: int
    recused_counts_present: bool
    confirmed: bool
    sources: tuple[str, ...]
    gaps: tuple[str, ...]

    def applies(self, level: str, day: dt.date) -> bool:
        return level in self.levels and self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def quorum_of(self, seats: int) -> int:
        """Members who must take part (score or declare a recusal) out of `seats` scoring seats."""
        return max(1, math.ceil(seats * self.quorum_numerator / self.quorum_denominator))

    @property
    def quorum_label(self) -> str:
        return f"{self.quorum_numerator}/{self.quorum_denominator}"


def _date(value, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise CouncilRulesError(f"{what}: ngày không hợp lệ “{value}” (yyyy-mm-dd)") from exc


def parse_rules(data: dict) -> list[CouncilRule]:
    """Check and read the file's content; raises CouncilRulesError naming the rule and the field."""
    if not isinstance(data, dict) or data.get("kind") != "council_rules":
        raise CouncilRulesError("“kind” phải là “council_rules”.")
    rules = []
    for i, raw in enumerate(data.get("rules") or [], start=1):
        where = f"quy tắc {i}"
        try:
            quorum = raw["quorum"]
            rule = CouncilRule(
                levels=tuple(raw["levels"]),
                valid_from=_date(raw["valid_from"], where),
                valid_to=_date(raw.get("valid_to"), where),
                chair_required=bool(raw["chair_required"]),
                secretary_required=bool(raw["secretary_required"]),
                secretary_scores=bool(raw.get("secretary_scores", True)),
                min_scoring_members=int(raw["min_scoring_members"]),
                quorum_numerator=int(quorum["numerator"]),
                quorum_denominator=int(quorum["denominator"]),
                chair_present=bool(quorum.get("chair_present", False)),
                min_scores_per_product=int(raw["min_scores_per_product"]),
                recused_counts_present=bool(raw.get("recused_counts_present", True)),
                confirmed=bool(raw.get("confirmed", False)),
                sources=tuple(raw.get("sources") or ()),
                gaps=tuple(raw.get("gaps") or ()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CouncilRulesError(f"{where}: thiếu hoặc sai trường ({exc})") from exc
        if not 0 < rule.quorum_numerator <= rule.quorum_denominator:
            raise CouncilRulesError(f"{where}: tỷ lệ có mặt phải trong khoảng (0, 1]")
        if rule.min_scoring_members < 1 or rule.min_scores_per_product < 1:
            raise CouncilRulesError(f"{where}: số thành viên tối thiểu phải từ 1")
        if not rule.sources and rule.confirmed:
            raise CouncilRulesError(f"{where}: quy tắc đã đối chiếu phải ghi nguồn")
        rules.append(rule)
    if not rules:
        raise CouncilRulesError("Tệp không có quy tắc nào.")
    return rules


@functools.cache
def load_rules(path: Path = RULES_FILE) -> tuple[CouncilRule, ...]:
    return tuple(parse_rules(json.loads(Path(path).read_text(encoding="utf-8"))))


def rule_for(level: str, day: dt.date) -> CouncilRule | None:
    for rule in load_rules():
        if rule.applies(level, day):
            return rule
    return None


def describe(rule: CouncilRule | None) -> str:
    """One sentence for the round page."""
    if rule is None:
        return _("Chưa có quy định về thành phần hội đồng cho cấp và ngày này.")
    text = _(
        "Hội đồng cần chủ tịch%(sec)s và ít nhất %(n)s thành viên chấm điểm; mỗi sản phẩm cần ít nhất %(q)s số thành "
        "viên tham gia (chấm hoặc xin không chấm)%(chair)s và ít nhất %(p)s phiếu chấm."
    ) % {
        "sec": _(", thư ký") if rule.secretary_required else "",
        "n": rule.min_scoring_members,
        "q": rule.quorum_label,
        "chair": _(", trong đó có chủ tịch") if rule.chair_present else "",
        "p": rule.min_scores_per_product,
    }
    if not rule.confirmed:
        text += " " + _("[?] Số liệu theo Quy chế đã công bố của một số hội đồng, chưa có trong văn bản trung ương.")
    return text


def closing_problems(rule: CouncilRule | None, *, seats, entries, submitted: dict, recused: dict) -> list[str]:
    """Why the council cannot close the round yet (empty when it can).

    seats: CouncilSeat objects (with user); entries: RoundProduct objects; submitted / recused:
    {entry id: set of user ids} of the submitted sheets and the recusals."""
    if rule is None:
        return [_("Chưa có quy định về thành phần, số có mặt của hội đồng áp dụng cho kỳ này.")]
    problems = []
    scoring = [
        s
        for s in seats
        if s.role in (SeatRole.CHAIR, SeatRole.MEMBER) or (s.role == SeatRole.SECRETARY and rule.secretary_scores)
    ]
    chairs = [s for s in seats if s.role == SeatRole.CHAIR]
    if rule.chair_required and not chairs:
        problems.append(_("Hội đồng chưa có chủ tịch."))
    if rule.secretary_required and not any(s.role == SeatRole.SECRETARY for s in seats):
        problems.append(_("Hội đồng chưa có thư ký (người cùng chủ tịch ký biên bản)."))
    if len(scoring) < rule.min_scoring_members:
        problems.append(
            _("Hội đồng có %(n)s thành viên chấm điểm; cần ít nhất %(m)s.")
            % {"n": len(scoring), "m": rule.min_scoring_members}
        )
    need = rule.quorum_of(len(scoring))
    scoring_ids = {s.user_id for s in scoring}
    chair_ids = {s.user_id for s in chairs}
    for entry in entries:
        done = submitted.get(entry.pk, set()) & scoring_ids
        withdrew = recused.get(entry.pk, set()) & scoring_ids
        present = done | withdrew if rule.recused_counts_present else done
        name = entry.product.name
        if len(present) < need:
            problems.append(
                _("“%(p)s”: %(n)s/%(t)s thành viên đã tham gia (chấm hoặc xin không chấm); cần ít nhất %(m)s (%(q)s).")
                % {"p": name, "n": len(present), "t": len(scoring), "m": need, "q": rule.quorum_label}
            )
        if len(done) < rule.min_scores_per_product:
            problems.append(
                _("“%(p)s”: có %(n)s phiếu chấm đã nộp; cần ít nhất %(m)s.")
                % {"p": name, "n": len(done), "m": rule.min_scores_per_product}
            )
        if rule.chair_present and chair_ids and not (chair_ids & present):
            problems.append(_("“%(p)s”: chủ tịch hội đồng chưa chấm (hoặc xin không chấm) sản phẩm này.") % {"p": name})
    return problems
