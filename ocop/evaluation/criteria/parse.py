"""Reading a data file: validate it with its pydantic model (schema.py), say what is wrong in
Vietnamese (messages.py) as a DefinitionError, and build the parsed objects (objects.py)."""

from __future__ import annotations

import dataclasses
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


def build(cls, model: s.Model | None, **values):
    """The object `cls` (a dataclass of objects.py) from a validated model: each of its fields is
    taken from `values` when given there, else from the model's field of the same name (a list
    becomes a tuple), else left to its default."""
    if model is None:
        return None
    for f in dataclasses.fields(cls):
        if f.name not in values and f.name in type(model).model_fields:
            value = getattr(model, f.name)
            values[f.name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


def parse_instruments(data: Any) -> InstrumentsFile:
    m: s.InstrumentsModel = validate(s.InstrumentsModel, data)
    return build(InstrumentsFile, m, instruments=tuple(build(InstrumentDef, i) for i in m.instruments))


def parse_classification(data: Any) -> ClassificationDef:
    m: s.ClassificationModel = validate(s.ClassificationModel, data)
    nodes: list[NodeDef] = []

    def walk(children: list[s.NodeModel], parent: str | None, depth: int) -> None:
        for position, n in enumerate(children, start=1):
            nodes.append(
                build(NodeDef, n, level=NODE_LEVELS[depth], parent=parent, position=position, is_leaf=not n.children)
            )
            walk(n.children, n.code, depth + 1)

    walk(m.nodes, None, 0)
    return build(ClassificationDef, m, nodes=tuple(nodes))


def parse_sheet(data: Any, part_maxima: dict | None = None) -> Sheet:
    """Check a score sheet and turn it into a Sheet; raise DefinitionError naming the problem.

    `part_maxima` ({"A": 40, ...}, from the instrument) makes the part maxima checked against the law.
    """
    m: s.SheetModel = validate(s.SheetModel, data, {"part_maxima": part_maxima})

    def criterion(c: s.CriterionModel, part: s.PartModel, group: s.GroupModel) -> Criterion:
        options = tuple(build(Option, o) for o in c.options)
        return build(Criterion, c, part=part.code, group=group.code, group_title=group.title, options=options)

    parts = tuple(
        build(
            Part,
            p,
            groups=tuple(build(Group, g, criteria=tuple(criterion(c, p, g) for c in g.criteria)) for g in p.groups),
        )
        for p in m.parts
    )
    return build(
        Sheet,
        m,
        parts=parts,
        bonus_rule=build(BonusRule, m.bonus_rule),
        by_code={c.code: c for p in parts for c in p.criteria},
    )


def _scale(m: s.ScaleModel) -> Scale:
    return build(
        Scale,
        m,
        bands=tuple(build(Band, b) for b in sorted(m.bands, key=lambda b: b.stars, reverse=True)),
        rounding_places=m.rounding.places,
        rounding_mode=m.rounding.mode,
        rounding_confirmed=m.rounding.confirmed,
    )


def parse_scale(data: Any, where: str = "") -> Scale:
    """One scale of stars.json (as stored per scale in the database); `where` names it in errors."""
    return _scale(validate(s.ScaleModel, data, where=where))


def parse_stars(data: Any) -> StarsFile:
    m: s.StarsModel = validate(s.StarsModel, data)
    return build(StarsFile, m, scales=tuple(_scale(x) for x in m.scales))


def _level(m: s.LevelModel) -> LevelRule:
    pre = m.preassessment
    return build(
        LevelRule,
        m,
        forwards=build(Forwarding, m.forwards),
        preassessment_tags=tuple(pre.tags) if pre is not None else (),
        preassessment_note=pre.note if pre is not None else "",
    )


def _procedure(m: s.ProcedureModel) -> Procedure:
    return build(
        Procedure,
        m,
        levels=tuple(_level(x) for x in m.levels),
        certificate=build(CertificateRule, m.certificate),
    )


def parse_procedure(data: Any, where: str = "") -> Procedure:
    """One procedure of procedures.json (as stored per procedure); `where` names it in errors."""
    return _procedure(validate(s.ProcedureModel, data, where=where))


def parse_procedures(data: Any) -> ProceduresFile:
    m: s.ProceduresModel = validate(s.ProceduresModel, data)
    return build(ProceduresFile, m, procedures=tuple(_procedure(x) for x in m.procedures))


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
