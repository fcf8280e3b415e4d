"""Bulk import of entities and products from Excel: template, upload and dry run, commit.

Only officers with `products.manage` (province officers, central administrators) import; a batch
is visible to the user who uploaded it only. Logic lives in ocop/products/importer/."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from ocop.lib.decorators import require_capability
from ocop.lib.listexport import XLSX_TYPE, Col, export_response, wants_xlsx
from ocop.products import importer
from ocop.products.models_import import ImportBatch, ImportStatus

SHOWN_ERRORS = 1000


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_l("Tệp Excel (.xlsx)"),
        help_text=_l("Tệp theo mẫu tải từ trang này; tối đa 10 MB, không có macro."),
        error_messages={"required": _l("Chưa chọn tệp Excel để tải lên.")},
    )


def _batch(request, token) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("created_by"), token=token, created_by=request.user)


@require_capability("products.manage")
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = importer.do_upload(request.user, upload, request=request)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            upload.seek(0)
            if importer.estimate_rows(upload) > importer.sync_rows():
                importer.queue_batch(batch, commit=False)
            else:
                importer.check_batch(batch.pk)
            return redirect("products:import_batch", token=batch.token)
    recent = ImportBatch.objects.filter(created_by=request.user)[:10]
    return render(
        request,
        "products/import.html",
        {"form": form, "recent": recent, "sync_rows": importer.sync_rows(), "max_rows": importer.max_rows()},
    )


@require_capability("products.manage")
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importer.build_template(request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="mau-nhap-chu-the-san-pham-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


ERROR_COLUMNS = [
    Col(_l("Trang"), "sheet", 14),
    Col(_l("Dòng"), "row", 8),
    Col(_l("Cột"), "column", 6),
    Col(_l("Trường"), "field", 28),
    Col(_l("Lỗi"), "message", 90),
]


@require_capability("products.manage")
def import_batch(request: HttpRequest, token) -> HttpResponse:
    batch = _batch(request, token)
    errors = batch.errors or []
    if wants_xlsx(request):
        return export_response(
            request,
            errors,
            ERROR_COLUMNS,
            title=_("Lỗi của tệp nhập “%(f)s”") % {"f": batch.original_name},
            filename="loi-nhap-excel",
            sheet_title=_("Lỗi"),
        )
    return render(
        request,
        "products/import_batch.html",
        {
            "batch": batch,
            "errors": errors[:SHOWN_ERRORS],
            "more_errors": max(len(errors) - SHOWN_ERRORS, 0),
            "can_commit": batch.status in (ImportStatus.READY, ImportStatus.FAILED) and not batch.error_count,
            "background": batch.entity_rows + batch.product_rows > importer.sync_rows(),
        },
    )


@require_POST
@require_capability("products.manage")
def import_commit(request: HttpRequest, token) -> HttpResponse:
    batch = _batch(request, token)
    if batch.status not in (ImportStatus.READY, ImportStatus.FAILED) or batch.error_count:
        messages.error(request, _("Lô này không ở trạng thái chờ nhập (%(s)s).") % {"s": batch.get_status_display()})
        return redirect("products:import_batch", token=batch.token)
    if batch.entity_rows + batch.product_rows > importer.sync_rows():
        importer.queue_batch(batch, commit=True)
        messages.info(request, _("Tệp lớn: máy chạy nền đang nhập dữ liệu; trang tự cập nhật tiến độ."))
        return redirect("products:import_batch", token=batch.token)
    try:
        batch = importer.commit_batch(batch.pk, request=request)
    except PermissionDenied:
        raise
    except Exception:  # the batch records the failure; nothing was written
        batch.refresh_from_db()
        messages.error(request, batch.message or _("Nhập không thành công; không dòng nào được ghi."))
        return redirect("products:import_batch", token=batch.token)
    if batch.status == ImportStatus.DONE:
        messages.success(request, batch.message)
    elif batch.status == ImportStatus.INVALID:
        messages.error(
            request, _("Dữ liệu trong hệ thống đã thay đổi từ lúc kiểm tra: tệp nay có lỗi, chưa nhập dòng nào.")
        )
    return redirect("products:import_batch", token=batch.token)
