"""The legal instruments of the OCOP programme by date: one rule, `instrument_on(day)`.

Law as data: the instruments, their dates, part maxima and sources are read from the evaluation
data file `ocop/evaluation/data/instruments.json` (the file stays there, with the other evaluation
data files that `manage.py load_criteria` checks together). The reader and the rule live here, in
the products app, because products sits below evaluation in the layers (docs/architecture.md):
products uses them without importing evaluation, and evaluation applies the same rule to its
loaded `Instrument` rows (`Instrument.objects.on(day)`).

- `instrument_on(day)`: the instrument whose criteria sets (score sheets with part maxima) are in
  force on `day` (QĐ 1048 from 21/8/2019, QĐ 148 from 24/02/2023); None before QĐ 1048.
- `classification_instrument_on(day)`: the name a product registered on `day` records as its
  classification instrument ("QĐ 148/QĐ-TTg"); before QĐ 1048, the programme's own QĐ 490.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INSTRUMENTS_FILE = Path(__file__).resolve().parent.parent / "evaluation" / "data" / "instruments.json"


@dataclass(frozen=True)
class LegalInstrument:
    """One entry of instruments.json."""

    code: str  # "QD148"
    number: str  # "148/QĐ-TTg"
    name: str
    valid_from: dt.date
    valid_to: dt.date | None
    part_maxima: dict | None
    amends: tuple[str, ...]
    source: str

    @property
    def label(self) -> str:
        """How a product records it: "QĐ 148/QĐ-TTg"."""
        return f"QĐ {self.number}"

    def __str__(self) -> str:
        return self.label


def _read(path: Path = INSTRUMENTS_FILE) -> tuple[LegalInstrument, ...]:
    rows = json.loads(path.read_text(encoding="utf-8"))["instruments"]
    found = [
        LegalInstrument(
            code=r["code"],
            number=r["number"],
            name=r["name"],
            valid_from=dt.date.fromisoformat(r["valid_from"]),
            valid_to=dt.date.fromisoformat(r["valid_to"]) if r.get("valid_to") else None,
            part_maxima=r.get("part_maxima"),
            amends=tuple(r.get("amends") or ()),
            source=r.get("source", ""),
        )
        for r in rows
    ]
    return tuple(sorted(found, key=lambda i: (i.valid_from, i.code)))


# every instrument of the file, oldest first
INSTRUMENTS: tuple[LegalInstrument, ...] = _read()
# the instruments a product is classified under (those that amend no other: QĐ 490, 1048, 148)
CLASSIFICATION_INSTRUMENTS: tuple[LegalInstrument, ...] = tuple(i for i in INSTRUMENTS if not i.amends)
QD_148 = next(i.label for i in INSTRUMENTS if i.code == "QD148")


def instrument_on(day: dt.date, instruments: Iterable[Any] | None = None):
    """The instrument whose criteria sets are in force on `day`: among `instruments` (default: those
    of instruments.json; evaluation passes its loaded rows), the one with part maxima whose period
    [valid_from, valid_to] contains `day`, the latest to start. None when none is (before QĐ 1048)."""
    found = None
    for inst in INSTRUMENTS if instruments is None else instruments:
        if inst.part_maxima is None or inst.valid_from > day or (inst.valid_to is not None and inst.valid_to < day):
            continue
        if found is None or inst.valid_from > found.valid_from:
            found = inst
    return found


def classification_instrument_on(day: dt.date) -> str:
    """The classification instrument a product registered on `day` records: the one whose criteria
    sets are in force then; before the first national criteria (QĐ 1048), the programme's QĐ 490."""
    found = instrument_on(day)
    return found.label if found is not None else CLASSIFICATION_INSTRUMENTS[0].label
