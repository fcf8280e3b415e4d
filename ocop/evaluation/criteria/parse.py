"""Reading a data file: validate it with its pydantic model (schema.py), say what is wrong in
Vietnamese (messages.py) as a DefinitionError, and build the parsed objects (objects.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from pydantic import ValidationError

from ocop.evaluation.criteria import schema as s
from ocop.evaluation.criteria.messages import translate
from ocop.evaluation.criteria.objects import (
    KINDS,
    NODE_LEVELS,
    Band,
    BonusRule,
    CertificateRule,
    ClassificationDef,
    Criterion,
    DefinitionError,
    Forwarding,
    Group,
    InstrumentDef,
    InstrumentsFile,
    LevelRule,
    NodeDef,
    Option,
    Part,
    Procedure,
    ProceduresFile,
    Scale,
    Sheet,
    StarsFile,
)


def validate(model: type[s.Model], data: Any, context: dict | None = None, where: str = ""):
    """`data` checked by `model`; DefinitionError (Vietnamese, naming the place, after `where` when
    given) when it is not valid."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        message = translate(exc, data)
        raise DefinitionError(f"{where}: {message}" if where else message) from None


# --- instruments -------------------------------------------------------------------------------


def parse_instruments(data: Any) -> InstrumentsFile:
    m: s.InstrumentsModel = validate(s.InstrumentsModel, data)
    return InstrumentsFile(
        code=m.code,
        version=m.version,
        instruments=tuple(
            InstrumentDef(
                code=i.code,
                number=i.number,
                name=i.name,
                issued_on=i.issued_on,
                valid_from=i.valid_from,
                valid_to=i.valid_to,
                part_maxima=dict(i.part_maxima) if i.part_maxima is not None else None,
                amends=tuple(i.amends),
                replaces=tuple(i.replaces),
                source=i.source,
                confirmed=i.confirmed,
                note=i.note,
            )
            for i in m.instruments
        ),
    )


# --- classification ----------------------------------------------------------------------------


def parse_classification(data: Any) -> ClassificationDef:
    m: s.ClassificationModel = validate(s.ClassificationModel, data)
    nodes: list[NodeDef] = []

    def walk(raw_nodes: list[s.NodeModel], parent: str | None, depth: int) -> None:
        for position, n in enumerate(raw_nodes, start=1):
            nodes.append(
                NodeDef(
                    code=n.code,
                    name=n.name,
                    level=NODE_LEVELS[depth],
                    parent=parent,
                    position=position,
                    replaces=tuple(n.replaces),
                    ministry=n.ministry,
                    confirmed=n.confirmed,
                    note=n.note,
                    is_leaf=not n.children,
                )
            )
            walk(n.children, n.code, depth + 1)

    walk(m.nodes, None, 0)
    return ClassificationDef(
        code=m.code,
        version=m.version,
        instrument=m.instrument,
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        nodes=tuple(nodes),
        source=m.source,
    )


# --- score sheets ------------------------------------------------------------------------------


def _criterion(c: s.CriterionModel, part: str, group: s.GroupModel) -> Criterion:
    return Criterion(
        code=c.code,
        text=c.text,
        part=part,
        group=group.code,
        group_title=group.title,
        options=tuple(
            Option(
                code=o.code,
                text=o.text,
                points=o.points,
                implicit=o.implicit,
                required_for_stars=o.required_for_stars,
                confirmed=o.confirmed,
                note=o.note,
            )
            for o in c.options
        ),
        label=c.label,
        note=c.note,
        mandatory=c.mandatory,
        bonus=c.bonus,
        required_for_stars=c.required_for_stars,
        tags=tuple(c.tags),
        confirmed=c.confirmed,
    )


def parse_sheet(data: Any, part_maxima: dict | None = None) -> Sheet:
    """Check a score sheet and turn it into a Sheet; raise DefinitionError naming the problem.

    `part_maxima` ({"A": 40, ...}, from the instrument) makes the part maxima checked against the law.
    """
    m: s.SheetModel = validate(s.SheetModel, data, {"part_maxima": part_maxima})
    parts = tuple(
        Part(
            code=p.code,
            title=p.title,
            max=p.max,
            groups=tuple(
                Group(
                    code=g.code,
                    title=g.title,
                    criteria=tuple(_criterion(c, p.code, g) for c in g.criteria),
                    max=g.max,
                    note=g.note,
                )
                for g in p.groups
            ),
        )
        for p in m.parts
    )
    rule = m.bonus_rule
    return Sheet(
        code=m.code,
        version=m.version,
        instrument=m.instrument,
        title=m.title,
        applies_to=tuple(m.applies_to),
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        parts=parts,
        structure_only=m.structure_only,
        bonus_rule=(
            BonusRule(cap_total=rule.cap_total, max_bonus=rule.max_bonus, confirmed=rule.confirmed, note=rule.note)
            if rule is not None
            else None
        ),
        source=m.source,
        note=m.note,
        by_code={c.code: c for p in parts for c in p.criteria},
    )


# --- star scales -------------------------------------------------------------------------------


def _scale(m: s.ScaleModel) -> Scale:
    return Scale(
        code=m.code,
        instrument=m.instrument,
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        bands=tuple(
            Band(stars=b.stars, min=b.min, label=b.label, meaning=b.meaning, confirmed=b.confirmed)
            for b in sorted(m.bands, key=lambda b: b.stars, reverse=True)
        ),
        certified_min_stars=m.certified_min_stars,
        mandatory_fail_cap=m.mandatory_fail_cap,
        rounding_places=m.rounding.places,
        rounding_mode=m.rounding.mode,
        rounding_confirmed=m.rounding.confirmed,
        requirement_aggregation=m.requirement_aggregation,
        confirmed=m.confirmed,
        note=m.note,
        source=m.source,
    )


def parse_scale(data: Any, where: str = "") -> Scale:
    """One scale of stars.json (as stored per scale in the database); `where` names it in errors."""
    return _scale(validate(s.ScaleModel, data, where=where))


def parse_stars(data: Any) -> StarsFile:
    m: s.StarsModel = validate(s.StarsModel, data)
    return StarsFile(code=m.code, version=m.version, scales=tuple(_scale(x) for x in m.scales))


# --- procedures --------------------------------------------------------------------------------


def _level(m: s.LevelModel) -> LevelRule:
    f = m.forwards
    return LevelRule(
        level=m.level,
        holds_round=m.holds_round,
        certifies=tuple(m.certifies),
        authority=m.authority,
        forwards=(
            Forwarding(min=f.min, max=f.max, to=f.to, confirmed=f.confirmed, note=f.note) if f is not None else None
        ),
        preassessment_tags=tuple(m.preassessment.tags) if m.preassessment is not None else (),
        preassessment_note=m.preassessment.note if m.preassessment is not None else "",
        abolished=m.abolished,
        role=m.role,
        confirmed=m.confirmed,
        note=m.note,
    )


def _procedure(m: s.ProcedureModel) -> Procedure:
    c = m.certificate
    return Procedure(
        code=m.code,
        instrument=m.instrument,
        title=m.title,
        valid_from=m.valid_from,
        valid_to=m.valid_to,
        levels=tuple(_level(x) for x in m.levels),
        certificate=CertificateRule(
            validity_months=c.validity_months,
            expiry_notice_days=c.expiry_notice_days,
            confirmed=c.confirmed,
            note=c.note,
        ),
        confirmed=m.confirmed,
        note=m.note,
    )


def parse_procedure(data: Any, where: str = "") -> Procedure:
    """One procedure of procedures.json (as stored per procedure); `where` names it in errors."""
    return _procedure(validate(s.ProcedureModel, data, where=where))


def parse_procedures(data: Any) -> ProceduresFile:
    m: s.ProceduresModel = validate(s.ProceduresModel, data)
    return ProceduresFile(code=m.code, version=m.version, procedures=tuple(_procedure(x) for x in m.procedures))


PARSERS = {
    "instruments": parse_instruments,
    "classification": parse_classification,
    "stars": parse_stars,
    "procedures": parse_procedures,
}


def parse_any(data: Any, part_maxima: dict | None = None):
    """Parse a file of any kind (dispatching on "kind")."""
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "sheet":
        return parse_sheet(data, part_maxima)
    if kind in PARSERS:
        return PARSERS[kind](data)
    raise DefinitionError(_("“kind” phải là một trong %(all)s.") % {"all": ", ".join(KINDS)})
