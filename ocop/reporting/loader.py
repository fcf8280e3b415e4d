"""Load the report templates committed in ocop/reporting/templates_data/*.json into ReportTemplate.

Each file holds one version of one template (schema: ocop/reporting/schema.py). Loading is
idempotent: a version already loaded from the same content is skipped. A version is never changed
once loaded (requests and submissions point at it): a file whose code and version are already
loaded with other content is refused, and the message says to raise "version" instead. Nothing is
written unless every file is valid. A newly loaded version whose fixed text names a year is reported
in `warnings` (ocop/reporting/periodtext.py `year_warnings`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.reporting.bindings import check_bindings
from ocop.reporting.models import ReportTemplate
from ocop.reporting.periodtext import year_warnings
from ocop.reporting.schema import DefinitionError, TemplateDef, parse_definition

DATA_DIR = Path(__file__).resolve().parent / "templates_data"


class TemplateConflict(DefinitionError):
    """A file would change a template version that is already loaded."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)  # "code v1"
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # fixed years in the text of newly loaded versions

    def summary(self) -> str:
        parts = [_("Mẫu báo cáo: %(n)s phiên bản nạp mới") % {"n": len(self.created)}]
        if self.created:
            parts[0] += " (" + ", ".join(self.created) + ")"
        parts.append(_("%(n)s phiên bản không đổi") % {"n": len(self.unchanged)})
        return "; ".join(parts) + "."


@dataclass
class _File:
    path: Path
    sha256: str
    data: dict
    parsed: TemplateDef

    @property
    def label(self) -> str:
        return f"{self.parsed.code} v{self.parsed.version}"


def read_template_file(path: Path) -> _File:
    """Read, parse and check one template file; DefinitionError names the file and the problem."""
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DefinitionError(_("Tệp %(f)s: không đọc được JSON (%(e)s).") % {"f": path.name, "e": exc}) from exc
    try:
        parsed = parse_definition(data)
        check_bindings(parsed)
    except DefinitionError as exc:
        raise DefinitionError(_("Tệp %(f)s: %(e)s") % {"f": path.name, "e": exc}) from exc
    return _File(path=path, sha256=hashlib.sha256(raw).hexdigest(), data=data, parsed=parsed)


def load_templates(data_dir: Path = DATA_DIR, user=None) -> LoadReport:
    """Load every *.json of `data_dir`. Raises DefinitionError (invalid file) or TemplateConflict."""
    files = [read_template_file(path) for path in sorted(Path(data_dir).glob("*.json"))]
    seen: dict[tuple[str, int], _File] = {}
    for f in files:
        key = (f.parsed.code, f.parsed.version)
        if key in seen:
            raise TemplateConflict(
                _("Tệp %(a)s và %(b)s cùng khai báo mẫu “%(code)s” phiên bản %(v)s.")
                % {"a": seen[key].path.name, "b": f.path.name, "code": key[0], "v": key[1]}
            )
        seen[key] = f

    report = LoadReport()
    with transaction.atomic():
        for f in files:
            existing = ReportTemplate.objects.filter(code=f.parsed.code, version=f.parsed.version).first()
            if existing is not None:
                if existing.sha256 == f.sha256 or existing.definition == f.data:
                    report.unchanged.append(f.label)
                    continue
                raise TemplateConflict(
                    _(
                        "Mẫu “%(code)s” phiên bản %(v)s đã được nạp (nguồn: %(src)s) với nội dung khác tệp %(f)s. "
                        "Không sửa một phiên bản đã nạp: hãy tăng “version” trong tệp (ví dụ %(next)s) "
                        "để tạo phiên bản mới."
                    )
                    % {
                        "code": f.parsed.code,
                        "v": f.parsed.version,
                        "src": existing.source or "?",
                        "f": f.path.name,
                        "next": f.parsed.version + 1,
                    }
                )
            ReportTemplate.objects.create(
                code=f.parsed.code,
                version=f.parsed.version,
                title=f.parsed.title,
                definition=f.data,
                valid_from=f.parsed.valid_from,
                valid_to=f.parsed.valid_to,
                source=f.path.name,
                sha256=f.sha256,
                created_by=user,
            )
            report.created.append(f.label)
            report.warnings += [f"{f.path.name}: {w}" for w in year_warnings(f.data)]
    return report
