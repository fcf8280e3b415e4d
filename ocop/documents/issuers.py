"""Issuers and signers as dated data.

An `Issuer` is a body with its own number series (numbers restart each year, NĐ 30); its facts
(name, parent body, header lines, the symbol of its numbers, place, office, contact line, signing
authority and signer) are `IssuerVersion`s, each valid from a date until the next one. Nothing is
edited in place: a change is a new version from its date (`do_add_version`, audited), so a letter of
12/12/2018 still shows what was true then.

The data lives in `issuers_data/issuers.json` (dated, with sources, the unknown facts as gaps) and
is loaded by `manage.py load_issuers`; central administrators add versions in the browser
(/documents/issuers/).

API for code outside documents (e.g. round documents):

    issuer = ministry_on(day)                       # Bộ NN&PTNT until 28/02/2025, Bộ NN&MT from 01/3/2025
    issuer = provincial_issuer(unit, day, "ubnd")   # UBND tỉnh X valid on day (unit: a province, either era)
    issuer = provincial_issuer(unit, day, "department")  # Sở NN&PTNT / Sở NN&MT of that province
    facts = facts_on(issuer, day)                   # IssuerFacts: name, header_lines, parent_lines, symbol,
                                                    # place, office, contact, archive, signature_lines,
                                                    # signer_name, gaps, sources
    do_create_draft(user, issuer=issuer, date=day, …)   # symbol, place, signature block from facts_on
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.permissions import can
from ocop.audit.services import log_action, snapshot
from ocop.documents import text as tx
from ocop.documents.models import BodyKind, Issuer, IssuerVersion
from ocop.geo.services import current_province_of

DATA_FILE = Path(__file__).resolve().parent / "issuers_data" / "issuers.json"
VERSION_FIELDS = [
    "name",
    "parent_name",
    "header",
    "symbol",
    "place",
    "office",
    "contact",
    "archive",
    "signature_title",
    "signer_name",
    "gaps",
    "sources",
]
AUDITED = ["valid_from", "valid_to", *VERSION_FIELDS, "reason"]
# the ministry's change (Nghị định 35/2025/NĐ-CP; see issuers.json for the sources)
MINISTRY_MERGER = dt.date(2025, 3, 1)
# provincial departments: Sở Nông nghiệp và Môi trường from 01/3/2025 (Nghị định 45/2025/NĐ-CP)
DEPARTMENT_MERGER = dt.date(2025, 3, 1)


@dataclass(frozen=True)
class IssuerFacts:
    issuer: Issuer
    valid_from: dt.date | None
    valid_to: dt.date | None
    name: str
    parent_lines: list[str]
    header_lines: list[str]
    symbol: str
    place: str
    office: str
    contact: str
    archive: str
    signature_title: str
    signer_name: str
    gaps: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def signature_lines(self) -> list[str]:
        return _lines(self.signature_title)

    @property
    def header_one_line(self) -> str:
        return " ".join(self.header_lines)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in tx.clean(value or "").split("\n") if line.strip()]


def version_on(issuer: Issuer, day: dt.date) -> IssuerVersion | None:
    """The version valid on `day` (the latest that started on or before it)."""
    versions = getattr(issuer, "_prefetched_objects_cache", {}).get("versions")
    if versions is None:
        versions = list(issuer.versions.all())
    candidates = [v for v in versions if v.valid_from <= day and (v.valid_to is None or v.valid_to >= day)]
    return max(candidates, key=lambda v: v.valid_from) if candidates else None


def facts_on(issuer: Issuer, day: dt.date | None = None) -> IssuerFacts:
    """The issuer's facts on `day` (default today): its version valid then, or the issuer's own fields
    when it has no version covering that day (issuers created by code without dated data)."""
    day = day or timezone.localdate()
    v = version_on(issuer, day)
    if v is None:
        return IssuerFacts(
            issuer=issuer,
            valid_from=issuer.valid_from,
            valid_to=issuer.valid_to,
            name=tx.clean(issuer.name),
            parent_lines=_lines(issuer.parent_name),
            header_lines=_lines(issuer.header),
            symbol=issuer.code,
            place=issuer.place,
            office=issuer.office,
            contact=tx.clean(issuer.contact),
            archive=issuer.archive,
            signature_title=tx.clean(issuer.signature_title),
            signer_name=tx.clean(issuer.signer_name),
            gaps=_lines(issuer.note) if "[?]" in (issuer.note or "") else [],
            sources=[],
        )
    return IssuerFacts(
        issuer=issuer,
        valid_from=v.valid_from,
        valid_to=v.valid_to,
        name=tx.clean(v.name),
        parent_lines=_lines(v.parent_name),
        header_lines=_lines(v.header),
        symbol=v.symbol,
        place=v.place,
        office=v.office,
        contact=tx.clean(v.contact),
        archive=v.archive,
        signature_title=tx.clean(v.signature_title),
        signer_name=tx.clean(v.signer_name),
        gaps=_lines(v.gaps),
        sources=_lines(v.sources),
    )


def issuers_on(day: dt.date, body_kind: str | None = None, unit=None):
    """Issuers (series) that exist on `day`, of a kind and a unit when given."""
    qs = Issuer.objects.filter(active=True).prefetch_related("versions")
    if body_kind:
        qs = qs.filter(body_kind=body_kind)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return [i for i in qs.order_by("code") if i.is_valid_on(day)]


def ministry_on(day: dt.date | None = None) -> Issuer:
    """The ministry's issuer (the programme office's series) on `day`: Bộ Nông nghiệp và Phát triển
    nông thôn until 28/02/2025, Bộ Nông nghiệp và Môi trường from 01/3/2025 (from the loaded data)."""
    day = day or timezone.localdate()
    found = issuers_on(day, BodyKind.MINISTRY)
    if not found and not Issuer.objects.filter(body_kind=BodyKind.MINISTRY).exists():
        load_issuers()  # a database set up before the dated data: load the file once
        found = issuers_on(day, BodyKind.MINISTRY)
    if not found:
        raise ValidationError(
            _("Chưa có dữ liệu cơ quan ban hành cấp Bộ vào ngày %(day)s: chạy “manage.py load_issuers”.")
            % {"day": tx.dmy(day)}
        )
    return found[0]


def default_issuer_on(day: dt.date | None = None) -> Issuer:
    """The issuer a national letter dated `day` defaults to: the ministry on that day, else the first
    active non-council issuer (a database without the dated data)."""
    try:
        return ministry_on(day)
    except ValidationError:
        issuer = Issuer.objects.filter(active=True, is_council=False).order_by("pk").first()
        if issuer is None:
            raise
        return issuer


# --- provincial bodies, from the administrative units -------------------------------------------

PROVINCE_RULES = {
    # body kind: code prefix, versions [(from, to, name, header, symbol, signature)] built per province
    BodyKind.UBND: "UBND",
    BodyKind.DEPARTMENT: "SNN",
}


def _province_words(unit) -> tuple[str, str]:
    kind = (unit.type or "").strip()
    return kind, f"{kind} {unit.name}".strip()


def provincial_issuer(unit, day: dt.date | None = None, body_kind: str = BodyKind.UBND) -> Issuer:
    """The provincial body of `unit`'s province valid on `day`, created from the administrative-unit
    data the first time (its versions follow the 2025 reform: the 63 provinces until 30/6/2025, the
    34 from 01/7/2025; the Sở Nông nghiệp và Phát triển nông thôn becomes the Sở Nông nghiệp và Môi
    trường on 01/3/2025). Signers are gaps until an administrator records them.

    The UBND's code is "UBND-<code>-<era>", the one the evaluation rounds use, so a province has one
    series whoever asks first."""
    day = day or timezone.localdate()
    province = unit if unit.level == "province" else unit.province
    if not province.is_valid_on(day):
        successor = current_province_of(province) if day >= dt.date(2025, 7, 1) else None
        if successor is None:
            raise ValidationError(
                _("%(unit)s không còn hiệu lực vào ngày %(day)s.") % {"unit": province, "day": tx.dmy(day)}
            )
        province = successor
    if body_kind not in PROVINCE_RULES:
        raise ValueError(body_kind)
    code = f"{PROVINCE_RULES[body_kind]}-{province.code}-{province.era}"[:40]
    kind, full = _province_words(province)
    upper = full.upper()
    ubnd_name = f"Ủy ban nhân dân {kind.lower()} {province.name}"
    if body_kind == BodyKind.UBND:
        base = {
            "name": ubnd_name,
            "header": f"ỦY BAN NHÂN DÂN\n{upper}",
            "parent_name": "",
            "signature_title": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            "archive": "VT",
        }
    else:
        base = {
            "name": f"Sở Nông nghiệp và Môi trường {kind.lower()} {province.name}",
            "header": "SỞ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG",
            "parent_name": f"UBND {upper}",
            "signature_title": "GIÁM ĐỐC",
            "archive": "VT",
        }
    with transaction.atomic():
        issuer, created = Issuer.objects.get_or_create(
            code=code,
            defaults={
                **base,
                "place": province.name,
                "body_kind": body_kind,
                "unit": province,
                "valid_from": province.valid_from,
                "valid_to": province.valid_to,
            },
        )
        if not created and (issuer.unit_id is None or issuer.body_kind != body_kind):
            Issuer.objects.filter(pk=issuer.pk).update(
                unit=province, body_kind=body_kind, valid_from=province.valid_from, valid_to=province.valid_to
            )
            issuer.refresh_from_db()
        if not issuer.versions.exists():
            for version in _provincial_versions(province, body_kind, base):
                IssuerVersion.objects.create(issuer=issuer, **version)
    return Issuer.objects.prefetch_related("versions").get(pk=issuer.pk)


def _provincial_versions(province, body_kind: str, base: dict) -> list[dict]:
    start = province.valid_from or dt.date(2018, 5, 7)
    common = {"place": province.name, "office": "", "contact": "", "archive": "VT", "signer_name": ""}
    gaps_signer = "Họ tên người ký: chưa có dữ liệu [?]"
    if body_kind == BodyKind.UBND:
        return [
            {
                **common,
                "valid_from": start,
                "valid_to": province.valid_to,
                "name": base["name"],
                "parent_name": "",
                "header": base["header"],
                "symbol": "UBND",
                "signature_title": base["signature_title"],
                "gaps": "\n".join(
                    [
                        gaps_signer,
                        "Quyền hạn ký (TM./KT.) và chức vụ người ký: mẫu thường dùng, chưa đối chiếu văn bản của tỉnh [?]",
                        "Đầu mối liên hệ: chưa có dữ liệu [?]",
                    ]
                ),
                "sources": "Tên và hiệu lực của tỉnh: dữ liệu đơn vị hành chính (ocop/geo/data)\n"
                "Ký hiệu UBND: Nghị định 30/2020/NĐ-CP, Phụ lục III",
            }
        ]
    _kind, full = _province_words(province)
    upper = full.upper()
    old = {
        **common,
        "name": f"Sở Nông nghiệp và Phát triển nông thôn {full[:1].lower()}{full[1:]}",
        "parent_name": f"UBND {upper}",
        "header": "SỞ NÔNG NGHIỆP\nVÀ PHÁT TRIỂN NÔNG THÔN",
        "symbol": "SNN",
        "signature_title": "GIÁM ĐỐC",
        "gaps": "\n".join(
            [
                gaps_signer,
                "Ký hiệu viết tắt của Sở (SNN, SNNPTNT…) khác nhau giữa các tỉnh [?]",
                "Đầu mối liên hệ: chưa có dữ liệu [?]",
            ]
        ),
        "sources": "Tên và hiệu lực của tỉnh: dữ liệu đơn vị hành chính (ocop/geo/data)",
    }
    new = {
        **common,
        "name": base["name"],
        "parent_name": base["parent_name"],
        "header": base["header"],
        "symbol": "SNNMT",
        "signature_title": "GIÁM ĐỐC",
        "gaps": "\n".join(
            [
                gaps_signer,
                "Ký hiệu viết tắt của Sở Nông nghiệp và Môi trường (SNNMT…) khác nhau giữa các tỉnh [?]",
                "Ngày Sở Nông nghiệp và Môi trường của tỉnh chính thức hoạt động (có thể khác 01/3/2025) [?]",
                "Đầu mối liên hệ: chưa có dữ liệu [?]",
            ]
        ),
        "sources": "Nghị định 45/2025/NĐ-CP ngày 28/02/2025 quy định tổ chức các cơ quan chuyên môn thuộc UBND cấp tỉnh "
        "(Sở Nông nghiệp và Môi trường là sở được tổ chức thống nhất ở các địa phương): "
        "http://hdnd.dongnai.gov.vn/Pages/glp-quydinhmoivecoquanchuyenmonthu-glpnd-34299-glpnc-4-glpsite-1.html\n"
        "Tên và hiệu lực của tỉnh: dữ liệu đơn vị hành chính (ocop/geo/data)",
    }
    end = province.valid_to
    if end is not None and end < DEPARTMENT_MERGER:
        return [{**old, "valid_from": start, "valid_to": end}]
    if start >= DEPARTMENT_MERGER:
        return [{**new, "valid_from": start, "valid_to": end}]
    return [
        {**old, "valid_from": start, "valid_to": DEPARTMENT_MERGER - dt.timedelta(days=1)},
        {**new, "valid_from": DEPARTMENT_MERGER, "valid_to": end},
    ]


# --- changes -------------------------------------------------------------------------------------


def _check(user) -> None:
    if user is not None and not can(user, "documents.issuers"):
        raise PermissionDenied


def _sync_issuer(issuer: Issuer) -> None:
    """Keep the issuer's own fields (read by code that predates the dated data) equal to its latest
    version."""
    latest = issuer.versions.order_by("-valid_from").first()
    if latest is None:
        return
    Issuer.objects.filter(pk=issuer.pk).update(
        name=latest.name,
        header=latest.header,
        parent_name=latest.parent_name,
        place=latest.place,
        office=latest.office,
        contact=latest.contact,
        archive=latest.archive,
        signature_title=latest.signature_title,
        signer_name=latest.signer_name,
    )


def _clean_fields(fields: dict) -> dict:
    out = {}
    for key in VERSION_FIELDS:
        value = fields.get(key, "")
        out[key] = (
            tx.clean(value).strip()
            if key not in ("header", "parent_name", "signature_title", "gaps", "sources")
            else "\n".join(_lines(value))
        )
    return out


@transaction.atomic
def do_add_version(
    user, issuer: Issuer, valid_from: dt.date, *, reason: str = "", request=None, **fields
) -> IssuerVersion:
    """A new version of the issuer's facts from `valid_from`. The version that was valid then ends
    the day before; a version starting later stays, and the new one ends the day before it. A second
    version on the same date is refused (the history is never rewritten). Audited."""
    _check(user)
    getattr(issuer, "_prefetched_objects_cache", {}).pop("versions", None)  # the caller's copy reads the new history
    issuer = Issuer.objects.select_for_update().get(pk=issuer.pk)
    data = _clean_fields(fields)
    errors = {}
    for key in ("name", "header", "symbol", "place"):
        if not data[key]:
            errors[key] = _("Nhập thông tin này.")
    if issuer.versions.filter(valid_from=valid_from).exists():
        errors["valid_from"] = _("Đã có phiên bản áp dụng từ ngày %(day)s; chọn ngày khác (lịch sử không bị sửa).") % {
            "day": tx.dmy(valid_from)
        }
    if issuer.valid_from and valid_from < issuer.valid_from or issuer.valid_to and valid_from > issuer.valid_to:
        errors["valid_from"] = _("Cơ quan này chỉ tồn tại từ %(a)s đến %(b)s.") % {
            "a": tx.dmy(issuer.valid_from) or "…",
            "b": tx.dmy(issuer.valid_to) or "…",
        }
    if errors:
        raise ValidationError(errors)
    before_version = issuer.versions.filter(valid_from__lt=valid_from).order_by("-valid_from").first()
    after_version = issuer.versions.filter(valid_from__gt=valid_from).order_by("valid_from").first()
    valid_to = after_version.valid_from - dt.timedelta(days=1) if after_version else issuer.valid_to
    if before_version is not None and (before_version.valid_to is None or before_version.valid_to >= valid_from):
        old = snapshot(before_version, AUDITED)
        before_version.valid_to = valid_from - dt.timedelta(days=1)
        before_version.save(update_fields=["valid_to"])
        log_action(
            user,
            "ocop.issuer.version_closed",
            before_version,
            before=old,
            after=snapshot(before_version, AUDITED),
            request=request,
        )
    version = IssuerVersion.objects.create(
        issuer=issuer,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=tx.clean(reason).strip()[:300],
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
        **data,
    )
    log_action(
        user,
        "ocop.issuer.version_added",
        version,
        after=snapshot(version, AUDITED),
        reason=version.reason,
        request=request,
    )
    _sync_issuer(issuer)
    return version


# --- the data file -------------------------------------------------------------------------------


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@transaction.atomic
def load_issuers(path: Path | str = DATA_FILE) -> dict[str, int]:
    """Load the dated issuer data (idempotent: an issuer's versions are created from the file only
    while it has none; later changes are made in the browser as new versions and never overwritten)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = versions = 0
    for item in data["issuers"]:
        first = item["versions"][-1]
        issuer, was_created = Issuer.objects.get_or_create(
            code=item["code"],
            defaults={
                "name": first["name"],
                "header": first["header"],
                "parent_name": first.get("parent_name", ""),
                "place": first["place"],
                "body_kind": item["body_kind"],
                "valid_from": _date(item.get("valid_from")),
                "valid_to": _date(item.get("valid_to")),
                "note": item.get("note", ""),
            },
        )
        created += was_created
        if not was_created:
            Issuer.objects.filter(pk=issuer.pk).update(
                body_kind=item["body_kind"],
                valid_from=_date(item.get("valid_from")),
                valid_to=_date(item.get("valid_to")),
            )
        if issuer.versions.exists():
            continue
        for v in item["versions"]:
            IssuerVersion.objects.create(
                issuer=issuer,
                valid_from=_date(v["valid_from"]),
                valid_to=_date(v.get("valid_to")),
                **_clean_fields(
                    {**v, "gaps": "\n".join(v.get("gaps", [])), "sources": "\n".join(v.get("sources", []))}
                ),
            )
            versions += 1
        _sync_issuer(issuer)
    return {"issuers": created, "versions": versions}
