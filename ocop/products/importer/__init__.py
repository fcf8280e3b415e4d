"""Bulk import of OCOP entities and products from the workbook the app hands out.

The template (`build_template`) has a sheet "Chủ thể" and a sheet "Sản phẩm" (either may be left
empty), an instructions sheet in Vietnamese, a protected sheet "Mã xã" listing the commune codes the
user may import into, and a hidden, protected sheet "DanhMuc" feeding the drop-down lists (entity
type, product group, criteria instrument, classification codes, yes/no).

Each data sheet has the Vietnamese headers in row 1 and, in the hidden row 2, the field codes
("ocop:entity.name"…): columns are found by code (or, in a home-made sheet, by header text), so
moved or added columns do not matter. Data starts on row 3; errors name the Excel row and column.

The life of an upload (`ImportBatch`):

1. the view checks the file before anything opens it (`ocop.lib.upload_safety.check_office_upload`:
   size, type, unzipped size, macros, XML entity declarations) and stores it in the default storage;
2. `check_batch` (the dry run) reads every row and reports every problem by row and column, in
   Vietnamese, without saving anything: unknown or out-of-scope commune code, duplicate registration
   number in the file or in the database, missing required field, bad date, unknown product
   group or classification code, product whose entity is neither in the file nor in the user's scope…
3. `commit_batch` reads and checks the file again (the database may have changed meanwhile) and
   writes every row, or none, in one transaction: entities, products (status "registered"), their
   status history, one audit entry per object and one for the import with its counts.

Large files (more than OCOP_IMPORT_SYNC_ROWS rows) are checked and committed by the background
worker (`ocop.products.tasks.process_import`); the page shows the progress. Only officers with
`products.manage` (province officers, central administrators) import, and only into the communes
their scope covers; entity users cannot bulk import.

The modules, each using only those above it: `template` (sheets, columns, limits, the workbook handed
out), `parsing` (reading the rows, cell values), `checking` (the dry run), `writing` (the rows into
the database) and `task` (the batch's life: upload, dry run, commit, background worker). Other apps
import from `ocop.products.importer`; tests that inject a fault patch the module that calls the
function (e.g. `ocop.products.importer.writing.build_product`).
"""

from ocop.products.importer.checking import (
    Checker,
    CheckResult,
    ParsedEntity,
    ParsedProduct,
    check_file,
    check_rows,
)
from ocop.products.importer.parsing import (
    ImportFileError,
    RowError,
    SheetRows,
    _commune_code_text,
    cell_text,
    estimate_rows,
    read_rows,
)
from ocop.products.importer.task import (
    STALE_AFTER,
    Superseded,
    can_import,
    check_batch,
    check_upload,
    claim_commit,
    commit_batch,
    do_upload,
    errors_of,
    queue_batch,
)
from ocop.products.importer.template import (
    ENTITY_FIELDS,
    ENTITY_SHEET,
    FIRST_DATA_ROW,
    PRODUCT_FIELDS,
    PRODUCT_SHEET,
    SHEETS,
    TEMPLATE_VERSION,
    Field,
    build_template,
    max_bytes,
    max_rows,
    sync_rows,
    write_workbook,
)
from ocop.products.importer.writing import build_product, write_rows

__all__ = [
    "ENTITY_FIELDS",
    "ENTITY_SHEET",
    "FIRST_DATA_ROW",
    "PRODUCT_FIELDS",
    "PRODUCT_SHEET",
    "SHEETS",
    "STALE_AFTER",
    "TEMPLATE_VERSION",
    "CheckResult",
    "Checker",
    "Field",
    "ImportFileError",
    "ParsedEntity",
    "ParsedProduct",
    "RowError",
    "SheetRows",
    "Superseded",
    "_commune_code_text",
    "build_product",
    "build_template",
    "can_import",
    "cell_text",
    "check_batch",
    "check_file",
    "check_rows",
    "check_upload",
    "claim_commit",
    "commit_batch",
    "do_upload",
    "errors_of",
    "estimate_rows",
    "max_bytes",
    "max_rows",
    "queue_batch",
    "read_rows",
    "sync_rows",
    "write_rows",
    "write_workbook",
]
