"""Entity portal ("Chủ thể của tôi") and officers' lists of entities and products.

Objects are always fetched from the scoped querysets of services.py: outside the user's reach a
page is a 404; readable but not writable is a 403. Files are streamed by these views only.
"""

from __future__ import annotations

from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from ocop.accounts.permissions import can
from ocop.lib.decorators import require_capability
from ocop.lib.filters import choice_label, shown
from ocop.lib.collation import vi_order
from ocop.lib.forms import apply_validation_error, error_text
from ocop.lib.listexport import Col, export_response, wants_xlsx
from ocop.products import criteria
from ocop.products import services as svc
from ocop.products.filters import EntityFilterSet, ProductFilterSet
from ocop.products.forms import (
    EntityForm,
    MemberForm,
    PhotoForm,
    ProductForm,
    ReviewForm,
    SelfAssessmentForm,
    StatusForm,
    UploadForm,
)
from ocop.products.models import (
    DOSSIER_EDITABLE,
    STATUS_TRANSITIONS,
    DossierCategory,
    Entity,
    EntityKind,
    EntityMember,
    Product,
    ProductStatus,
    Sector,
    required_categories,
    requires_self_assessment,
)

EDIT_CAPS = ("products.manage", "products.manage_own")


def require_any_capability(*capabilities: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(can(request.user, c) for c in capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _list_message(exc: ValidationError) -> str:
    """A heading message followed by "– item" messages, as one sentence: "…: A; B; C."."""
    head, *items = exc.messages
    if not items:
        return head
    return f"{head} " + "; ".join(m.lstrip("– ") for m in items) + "."


def _serve(field_file, filename: str, *, inline_type: str | None = None) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    if inline_type:
        response = FileResponse(handle, content_type=inline_type)
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    else:
        response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- portal and lists ------------------------------------------------------------------------


@require_capability("products.view")
def index(request: HttpRequest) -> HttpResponse:
    """Entity users: their portal. Officers: the list of entities."""
    if not svc.is_entity_user(request.user):
        return redirect("products:entity_list")
    entities = list(svc.readable_entities(request.user).prefetch_related("members__user"))
    products = list(
        svc.readable_products(request.user)
        .prefetch_related("dossiers")
        .order_by(vi_order("entity__name"), vi_order("name"))
    )
    rows = []
    for product in products:
        dossier = max(product.dossiers.all(), key=lambda d: d.number, default=None)
        rows.append(
            {
                "product": product,
                "dossier": dossier,
                "missing": svc.completeness_check(dossier) if dossier and dossier.editable else [],
            }
        )
    return render(
        request,
        "products/portal.html",
        {"entities": entities, "rows": rows, "can_create": can(request.user, "products.manage_own")},
    )


ENTITY_COLUMNS = [
    Col(_l("Tên chủ thể"), "name", 40),
    Col(_l("Loại hình"), lambda e: e.get_kind_display(), 22),
    Col(_l("Số đăng ký kinh doanh"), "registration_number"),
    Col(_l("Mã số thuế"), "tax_code"),
    Col(_l("Địa chỉ"), "address", 30),
    Col(_l("Mã xã"), "unit.code", 8),
    Col(_l("Xã, phường"), lambda e: str(e.unit), 24),
    Col(_l("Tỉnh, thành phố"), lambda e: str(e.unit.province) if e.unit.province_id else "", 20),
    Col(_l("Người đại diện"), "representative_name", 22),
    Col(_l("Điện thoại"), "phone", 14),
    Col(_l("Thư điện tử"), "email", 24),
    Col(_l("Số sản phẩm"), "product_count", 10),
    Col(_l("Ngày tạo"), "created_at", 16),
    Col(_l("Dữ liệu mẫu"), "is_demo", 10),
]
PRODUCT_COLUMNS = [
    Col(_l("Tên sản phẩm"), "name", 40),
    Col(_l("Chủ thể"), "entity.name", 32),
    Col(_l("Số đăng ký chủ thể"), "entity.registration_number"),
    Col(_l("Nhóm sản phẩm"), lambda p: p.get_sector_display(), 22),
    Col(_l("Mã phân loại"), "classification_code", 12),
    Col(_l("Bộ tiêu chí"), "classification_instrument", 16),
    Col(_l("Mã xã"), "unit.code", 8),
    Col(_l("Xã nơi sản xuất"), lambda p: str(p.unit), 24),
    Col(_l("Tỉnh, thành phố"), lambda p: str(p.unit.province) if p.unit.province_id else "", 20),
    Col(_l("Ngày đăng ký"), "registered_on", 12),
    Col(_l("Trạng thái"), lambda p: p.get_status_display(), 18),
    Col(_l("Dữ liệu mẫu"), "is_demo", 10),
]


def _entity_filters(request, qs):
    filterset = EntityFilterSet(request.GET, queryset=qs)
    return filterset.qs, shown(filterset)


@require_capability("products.view")
def entity_list(request: HttpRequest) -> HttpResponse:
    qs, filters = _entity_filters(request, svc.readable_entities(request.user))
    qs = qs.annotate(product_count=Count("products", filter=Q(products__deleted_at__isnull=True))).order_by(
        vi_order("name"), "id"
    )
    if wants_xlsx(request):
        return export_response(
            request,
            qs,
            ENTITY_COLUMNS,
            title=_("Danh sách chủ thể OCOP"),
            filename="chu-the-ocop",
            sheet_title=_("Chủ thể OCOP"),
            filters=[
                (_("Tìm"), filters["q"]),
                (_("Loại hình"), choice_label(EntityKind.choices, filters["kind"])),
                (_("Mã tỉnh"), filters["province"]),
            ],
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "products/entity_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": EntityKind.choices,
            "can_create": any(can(request.user, c) for c in EDIT_CAPS),
            "can_import": can(request.user, "products.manage"),
        },
    )


@require_capability("products.view")
def product_list(request: HttpRequest) -> HttpResponse:
    filterset = ProductFilterSet(request.GET, queryset=svc.readable_products(request.user))
    qs, filters = filterset.qs, shown(filterset)
    qs = qs.order_by(vi_order("name"), "id")
    if wants_xlsx(request):
        return export_response(
            request,
            qs,
            PRODUCT_COLUMNS,
            title=_("Danh sách sản phẩm OCOP"),
            filename="san-pham-ocop",
            sheet_title=_("Sản phẩm OCOP"),
            filters=[
                (_("Tìm"), filters["q"]),
                (_("Trạng thái"), choice_label(ProductStatus.choices, filters["status"])),
                (_("Nhóm sản phẩm"), choice_label(Sector.choices, filters["sector"])),
                (_("Mã tỉnh"), filters["province"]),
            ],
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "products/product_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": ProductStatus.choices,
            "sectors": Sector.choices,
            "can_import": can(request.user, "products.manage"),
        },
    )


# --- entities ----------------------------------------------------------------------------------


@require_any_capability(*EDIT_CAPS)
def entity_new(request: HttpRequest) -> HttpResponse:
    entity = Entity()
    form = EntityForm(request.POST or None, instance=entity)
    if not form.is_bound and request.user.scope_unit_id and request.user.scope_unit.level == "commune":
        form.initial["commune_code"] = request.user.scope_unit.code
        form.initial["legacy"] = request.user.scope_unit.era == "legacy"
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        try:
            svc.do_create_entity(request.user, obj, request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc, {"unit": "commune_code"})
        else:
            messages.success(request, _("Đã đăng ký chủ thể: %(e)s.") % {"e": obj})
            return redirect("products:entity_detail", pk=obj.pk)
    return render(request, "products/entity_form.html", {"form": form, "entity": entity})


@require_capability("products.view")
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(svc.readable_entities(request.user), pk=pk)
    products = svc.readable_products(request.user).filter(entity=entity).order_by(vi_order("name"))
    officer = svc.can_manage_members(request.user, entity)
    return render(
        request,
        "products/entity_detail.html",
        {
            "entity": entity,
            "products": products,
            "members": EntityMember.objects.filter(entity=entity).select_related("user")
            if not svc.is_entity_user(request.user) or svc.is_member(request.user, entity)
            else [],
            "can_edit": svc.can_edit_entity(request.user, entity),
            "can_add_product": svc.can_edit_entity(request.user, entity) or svc.is_member(request.user, entity),
            "member_form": MemberForm() if officer else None,
        },
    )


def _edit(request, form, update, *, conflict: str, saved: str, detail: str, template: str, context: dict):
    """The edit screens of entities and products: the form, then the service's update with the
    version the user opened (a conflict or a scope error comes back on the form)."""
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        try:
            update(request.user, obj, expected_version=form.cleaned_data.get("version"), request=request)
        except svc.VersionConflict:
            form.add_error(None, conflict)
        except ValidationError as exc:
            apply_validation_error(form, exc, {"unit": "commune_code"})
        else:
            messages.success(request, saved)
            return redirect(detail, pk=obj.pk)
    return render(request, template, {"form": form, **context})


@require_any_capability(*EDIT_CAPS)
def entity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(svc.readable_entities(request.user), pk=pk)
    if not svc.can_edit_entity(request.user, entity):
        raise PermissionDenied
    return _edit(
        request,
        EntityForm(request.POST or None, instance=entity),
        svc.do_update_entity,
        conflict=_(
            "Thông tin chủ thể vừa được người khác sửa sau khi bạn mở. Hãy mở lại trang để xem bản mới nhất rồi sửa lại."
        ),
        saved=_("Đã lưu thông tin chủ thể."),
        detail="products:entity_detail",
        template="products/entity_form.html",
        context={"entity": entity},
    )


@require_POST
@require_capability("products.manage")
def entity_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(svc.readable_entities(request.user), pk=pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            svc.do_add_member(
                request.user, entity, form.cleaned_data["username"], role=form.cleaned_data["role"], request=request
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("Đã gắn tài khoản %(u)s với chủ thể.") % {"u": form.cleaned_data["username"].username}
            )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("products:entity_detail", pk=entity.pk)


# --- products ----------------------------------------------------------------------------------


@require_any_capability(*EDIT_CAPS)
def product_new(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(svc.readable_entities(request.user), pk=pk)
    if not (svc.can_edit_entity(request.user, entity) or svc.is_member(request.user, entity)):
        raise PermissionDenied
    product = Product(entity=entity)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        try:
            svc.do_register_product(request.user, obj, request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc, {"unit": "commune_code"})
        else:
            messages.success(request, _("Đã đăng ký sản phẩm: %(p)s. Hãy chuẩn bị hồ sơ sản phẩm.") % {"p": obj})
            return redirect("products:product_detail", pk=obj.pk)
    return render(request, "products/product_form.html", {"form": form, "product": product, "entity": entity})


@require_capability("products.view")
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(svc.readable_products(request.user), pk=pk)
    verify = svc.can_verify(request.user, product)
    status_form = None
    if verify:
        status_form = StatusForm()
        allowed = STATUS_TRANSITIONS.get(product.status, set())
        status_form.fields["status"].choices = [(v, lbl) for v, lbl in ProductStatus.choices if v in allowed]
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "photos": product.photos.filter(deleted_at__isnull=True),
            "history": product.status_changes.select_related("by"),
            "certificates": product.certificates.select_related("issuer_unit").order_by("-issued_on"),
            "dossiers": product.dossiers.all().order_by("-number"),
            "open_dossier": product.dossiers.filter(status__in=DOSSIER_EDITABLE).order_by("-number").first(),
            "can_edit": svc.can_edit_product(request.user, product),
            "can_manage": svc.can_manage_product(request.user, product),
            "status_form": status_form,
            "photo_form": PhotoForm(),
        },
    )


@require_any_capability(*EDIT_CAPS)
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(svc.readable_products(request.user), pk=pk)
    if not svc.can_edit_product(request.user, product):
        raise PermissionDenied
    return _edit(
        request,
        ProductForm(request.POST or None, instance=product),
        svc.do_update_product,
        conflict=_(
            "Sản phẩm vừa được người khác sửa sau khi bạn mở. Hãy mở lại trang để xem bản mới nhất rồi sửa lại."
        ),
        saved=_("Đã lưu thông tin sản phẩm."),
        detail="products:product_detail",
        template="products/product_form.html",
        context={"product": product, "entity": product.entity},
    )


@require_POST
@require_capability("products.manage")
def product_status(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(svc.readable_products(request.user), pk=pk)
    if not svc.can_verify(request.user, product):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            svc.do_change_product_status(
                request.user, product, form.cleaned_data["status"], reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Đã chuyển trạng thái sản phẩm."))
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[f].label}: {e}" if f in form.fields else e
                for f, errs in form.errors.items()
                for e in errs
            ),
        )
    return redirect("products:product_detail", pk=product.pk)


@require_POST
@require_any_capability(*EDIT_CAPS)
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(svc.readable_products(request.user), pk=pk)
    if not svc.can_manage_product(request.user, product):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            svc.do_add_photo(
                request.user, product, form.cleaned_data["image"], caption=form.cleaned_data["caption"], request=request
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Đã thêm ảnh sản phẩm."))
    else:
        messages.error(request, _("Chưa chọn ảnh để tải lên."))
    return redirect("products:product_detail", pk=product.pk)


@require_capability("products.view")
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(svc.readable_photos(request.user), pk=pk)
    return _serve(item.image, Path(item.image.name).name, inline_type=item.content_type)


@require_POST
@require_any_capability(*EDIT_CAPS)
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(svc.readable_photos(request.user), pk=pk)
    if not svc.can_manage_product(request.user, item.product):
        raise PermissionDenied
    svc.do_remove_photo(request.user, item, request=request)
    messages.success(request, _("Đã gỡ ảnh."))
    return redirect("products:product_detail", pk=item.product_id)


# --- dossiers ----------------------------------------------------------------------------------


@require_POST
@require_any_capability(*EDIT_CAPS)
def dossier_new(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(svc.readable_products(request.user), pk=pk)
    if not svc.can_manage_product(request.user, product):
        raise PermissionDenied
    try:
        dossier = svc.do_open_dossier(request.user, product, request=request)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("products:product_detail", pk=product.pk)
    return redirect("products:dossier_detail", pk=dossier.pk)


@require_capability("products.view")
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = get_object_or_404(svc.readable_dossiers(request.user), pk=pk)
    product = dossier.product
    required = set(required_categories(product))
    files = list(dossier.live_files().select_related("uploaded_by"))
    by_cat = {}
    for f in files:
        by_cat.setdefault(f.category, []).append(f)
    needs_self_assessment = requires_self_assessment(product)
    online = dossier.self_assessments.exists()
    categories = [
        {
            "code": code,
            "label": label,
            "files": by_cat.get(code, []),
            "required": code in required or (code == DossierCategory.SELF_ASSESSMENT and needs_self_assessment),
            # the self-assessment may be submitted online instead of as a signed form
            "done": bool(by_cat.get(code)) or (code == DossierCategory.SELF_ASSESSMENT and online),
        }
        for code, label in DossierCategory.choices
    ]
    can_edit = svc.can_edit_dossier(request.user, dossier)
    upload_form = UploadForm() if can_edit else None
    return render(
        request,
        "products/dossier_detail.html",
        {
            "dossier": dossier,
            "product": product,
            "categories": categories,
            "missing": svc.completeness_check(dossier),
            "needs_self_assessment": needs_self_assessment,
            "assessments": dossier.self_assessments.select_related("submitted_by"),
            "can_edit": can_edit,
            "can_review": svc.can_verify(request.user, product) and dossier.status == "submitted",
            "review_form": ReviewForm(),
            "upload_form": upload_form,
            "ready": svc.dossier_ready_for_round(dossier),
        },
    )


@require_POST
@require_any_capability(*EDIT_CAPS)
def dossier_upload(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = get_object_or_404(svc.readable_dossiers(request.user), pk=pk)
    if not svc.can_edit_dossier(request.user, dossier):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = svc.do_upload_dossier_file(
                request.user, dossier, form.cleaned_data["category"], form.cleaned_data["file"], request=request
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("Đã tải lên “%(f)s” (%(c)s).") % {"f": item.name, "c": item.get_category_display()}
            )
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[f].label}: {e}" for f, errs in form.errors.items() if f in form.fields for e in errs
            )
            or _("Chưa chọn tệp."),
        )
    return redirect("products:dossier_detail", pk=dossier.pk)


@require_capability("products.view")
def dossier_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(svc.readable_files(request.user), pk=pk)
    return _serve(item.file, item.name)


@require_POST
@require_any_capability(*EDIT_CAPS)
def dossier_file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(svc.readable_files(request.user).select_related("dossier__product__entity"), pk=pk)
    if not svc.can_edit_dossier(request.user, item.dossier):
        raise PermissionDenied
    svc.do_remove_dossier_file(request.user, item, request=request)
    messages.success(request, _("Đã gỡ tệp “%(f)s” khỏi hồ sơ.") % {"f": item.name})
    return redirect("products:dossier_detail", pk=item.dossier_id)


@require_POST
@require_any_capability(*EDIT_CAPS)
def dossier_submit(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = get_object_or_404(svc.readable_dossiers(request.user), pk=pk)
    if not svc.can_edit_dossier(request.user, dossier):
        raise PermissionDenied
    try:
        svc.do_submit_dossier(request.user, dossier, request=request)
    except ValidationError as exc:
        messages.error(request, _list_message(exc))
    else:
        messages.success(request, _("Đã nộp hồ sơ. Cơ quan tiếp nhận sẽ kiểm tra tính đầy đủ của hồ sơ."))
    return redirect("products:dossier_detail", pk=dossier.pk)


@require_POST
@require_capability("products.manage")
def dossier_review(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = get_object_or_404(svc.readable_dossiers(request.user), pk=pk)
    if not svc.can_verify(request.user, dossier.product):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            svc.do_review_dossier(
                request.user,
                dossier,
                complete=form.cleaned_data["decision"] == "complete",
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, _list_message(exc))
        else:
            messages.success(request, _("Đã ghi kết quả kiểm tra hồ sơ."))
    else:
        messages.error(request, _("Chưa chọn kết quả kiểm tra."))
    return redirect("products:dossier_detail", pk=dossier.pk)


@require_capability("products.view")
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = get_object_or_404(svc.readable_dossiers(request.user), pk=pk)
    can_edit = svc.can_edit_dossier(request.user, dossier)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    sheet = criteria.criteria_set_for(dossier.product)
    form = SelfAssessmentForm(request.POST or None, sheet=sheet) if can_edit else None
    if request.method == "POST" and form.is_valid():
        try:
            svc.do_submit_self_assessment(
                request.user,
                dossier,
                criteria_set_code=form.cleaned_data["criteria_set_code"],
                criteria_set_version=form.cleaned_data["criteria_set_version"],
                choices=form.choices(),
                declared_total=form.cleaned_data.get("declared_total"),
                request=request,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã nộp phiếu tự đánh giá."))
            return redirect("products:dossier_detail", pk=dossier.pk)
    return render(
        request,
        "products/self_assessment.html",
        {
            "dossier": dossier,
            "product": dossier.product,
            "form": form,
            "sheet": sheet,
            "assessments": dossier.self_assessments.select_related("submitted_by"),
        },
    )
