"""Entities, products and dossiers: scoped reads and the audited changes (zulip-style `do_*`).

Who sees what:
- entity users: only the entities they are members of (EntityMember), with their products and
  dossiers — never through their scope unit, so a neighbour in the same commune stays hidden;
- local officers: entities whose commune is in `scope_for(user)`, and products whose unit of origin
  or whose entity is in it (read); province officers (`products.manage`) may also edit and verify;
- central users: everything (central administrators may edit);
- council members: nothing here (the evaluation app gives them the products of their rounds).

Every `do_*` checks the capability and the object, changes state in one transaction and calls
`log_action`. Refusals are `PermissionDenied`; bad input is a `ValidationError` in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.audit.services import log_action, snapshot
from ocop.lib.files import validate_document
from ocop.lib.records import VersionConflict
from ocop.products import criteria
from ocop.products.instruments import classification_instrument_on
from ocop.products.models import (
    DOSSIER_EDITABLE,
    ENTITY_EDITABLE_STATUSES,
    STATUS_TRANSITIONS,
    Dossier,
    DossierCategory,
    DossierFile,
    DossierStatus,
    Entity,
    EntityMember,
    MemberRole,
    Product,
    ProductPhoto,
    ProductStatus,
    ProductStatusChange,
    SelfAssessment,
    required_categories,
    requires_self_assessment,
    sector_of_code,
    validate_photo,
)


# --- reads -------------------------------------------------------------------------------------


def is_entity_user(user) -> bool:
    return getattr(user, "role", None) == Role.ENTITY_USER


def readable_entities(user) -> models.QuerySet:
    if not can(user, "products.view"):
        return Entity.objects.none()
    qs = Entity.objects.alive().select_related("unit", "unit__province")
    if is_entity_user(user):
        return qs.filter(members__user=user)
    return scope_for(user).filter(qs, "unit")


def readable_products(user) -> models.QuerySet:
    if not can(user, "products.view"):
        return Product.objects.none()
    qs = (
        Product.objects.alive()
        .filter(entity__deleted_at__isnull=True)
        .select_related("entity", "unit", "unit__province")
    )
    if is_entity_user(user):
        return qs.filter(entity__members__user=user)
    scope = scope_for(user)
    if scope.national:
        return qs
    # the product's commune of origin or its entity's commune in scope
    return scope.filter(qs, "unit") | scope.filter(qs, "entity__unit")


def readable_dossiers(user) -> models.QuerySet:
    return Dossier.objects.filter(product__in=readable_products(user)).select_related(
        "product", "product__entity", "product__unit"
    )


def readable_files(user) -> models.QuerySet:
    return DossierFile.objects.filter(deleted_at__isnull=True, dossier__in=readable_dossiers(user))


def readable_photos(user) -> models.QuerySet:
    return ProductPhoto.objects.alive().filter(product__in=readable_products(user))


def is_member(user, entity: Entity, *, owner: bool = False) -> bool:
    if not getattr(user, "is_authenticated", False) or not can(user, "products.manage_own"):
        return False
    qs = EntityMember.objects.filter(user=user, entity=entity)
    if owner:
        qs = qs.filter(role=MemberRole.OWNER)
    return qs.exists()


def _officer_covers(user, *units) -> bool:
    if not can(user, "products.manage"):
        return False
    scope = scope_for(user)
    return any(u is not None and scope.covers(u, write=True) for u in units)


def can_manage_members(user, entity: Entity) -> bool:
    return _officer_covers(user, entity.unit)


def can_edit_entity(user, entity: Entity) -> bool:
    return _officer_covers(user, entity.unit) or is_member(user, entity, owner=True)


def can_manage_product(user, product: Product) -> bool:
    """Officers with `products.manage` over the product or its entity; members of the entity."""
    return _officer_covers(user, product.unit, product.entity.unit) or is_member(user, product.entity)


def can_edit_product(user, product: Product) -> bool:
    """Product details: officers always, entity members while the product is not under evaluation
    nor certified (its certified name and classification are the council's record)."""
    if _officer_covers(user, product.unit, product.entity.unit):
        return True
    return product.status in ENTITY_EDITABLE_STATUSES and is_member(user, product.entity)


def can_verify(user, product: Product) -> bool:
    """Status changes and dossier verification: province officers and central administrators."""
    return _officer_covers(user, product.unit, product.entity.unit)


def can_edit_dossier(user, dossier: Dossier) -> bool:
    return dossier.status in DOSSIER_EDITABLE and can_manage_product(user, dossier.product)


# --- completeness ------------------------------------------------------------------------------


def missing_categories(dossier: Dossier) -> list[str]:
    """Codes of the required categories that have no file in the dossier."""
    present = set(dossier.live_files().values_list("category", flat=True))
    return [c for c in required_categories(dossier.product) if c not in present]


def self_assessment_missing(dossier: Dossier) -> bool:
    if not requires_self_assessment(dossier.product):
        return False
    if dossier.self_assessments.exists():
        return False
    return not dossier.live_files().filter(category=DossierCategory.SELF_ASSESSMENT).exists()


def completeness_check(dossier: Dossier) -> list[str]:
    """What the dossier still lacks before it can be submitted and enter a round, in Vietnamese
    (empty when complete): the required categories (models.REQUIRED_CATEGORIES, by product group)
    without a file, and the self-assessment QĐ 148 requires."""
    labels = [str(DossierCategory(c).label) for c in missing_categories(dossier)]
    if self_assessment_missing(dossier):
        labels.append(_("Tự đánh giá của chủ thể theo QĐ 148/QĐ-TTg (nộp trực tuyến hoặc tải lên phiếu tự đánh giá)"))
    return labels


def dossier_ready_for_round(dossier: Dossier) -> bool:
    """True when an officer verified the dossier as complete and nothing required is missing."""
    return dossier.status == DossierStatus.COMPLETE and not completeness_check(dossier)


# --- entities ----------------------------------------------------------------------------------


def _check_entity_unit(actor, entity: Entity) -> None:
    if entity.unit_id is None:
        raise ValidationError({"unit": _("Chưa chọn xã, phường nơi chủ thể đăng ký.")})
    if not scope_for(actor).covers(entity.unit, write=True):
        raise ValidationError(
            {"unit": _("Xã, phường “%(u)s” nằm ngoài phạm vi tài khoản của bạn.") % {"u": entity.unit}}
        )


@transaction.atomic
def do_create_entity(actor, entity: Entity, *, request=None) -> Entity:
    """Create an entity. An entity user creating one becomes its owner (the commune must be in their
    scope); province officers and central administrators create entities in their scope."""
    if not (can(actor, "products.manage") or can(actor, "products.manage_own")):
        raise PermissionDenied
    _check_entity_unit(actor, entity)
    entity.created_by = actor
    entity.full_clean()
    entity.save()
    if is_entity_user(actor):
        EntityMember.objects.create(user=actor, entity=entity, role=MemberRole.OWNER)
    log_action(
        actor,
        "ocop.products.entity.created",
        entity,
        after=snapshot(entity, Entity.AUDIT_FIELDS),
        unit=entity.unit,
        request=request,
    )
    return entity


@transaction.atomic
def do_update_entity(actor, entity: Entity, *, expected_version: int | None = None, request=None) -> Entity:
    current = Entity.objects.select_for_update().get(pk=entity.pk)
    if current.deleted_at or not can_edit_entity(actor, current):
        raise PermissionDenied
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict
    if entity.unit_id != current.unit_id:
        _check_entity_unit(actor, entity)
    before = snapshot(current, Entity.AUDIT_FIELDS)
    entity.version = current.version + 1
    entity.full_clean()
    entity.save()
    log_action(
        actor,
        "ocop.products.entity.changed",
        entity,
        before=before,
        after=snapshot(entity, Entity.AUDIT_FIELDS),
        unit=entity.unit,
        request=request,
    )
    return entity


@transaction.atomic
def do_delete_entity(actor, entity: Entity, *, reason: str, request=None) -> None:
    if not _officer_covers(actor, entity.unit):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do xóa."))
    entity.soft_delete()
    log_action(
        actor,
        "ocop.products.entity.deleted",
        entity,
        before=snapshot(entity, Entity.AUDIT_FIELDS),
        unit=entity.unit,
        reason=reason,
        request=request,
    )


@transaction.atomic
def do_add_member(actor, entity: Entity, user, *, role: str = MemberRole.OWNER, request=None) -> EntityMember:
    """Link an entity-user account to an entity (province officers, central administrators)."""
    if not can_manage_members(actor, entity):
        raise PermissionDenied
    if getattr(user, "role", None) != Role.ENTITY_USER:
        raise ValidationError(_("Tài khoản “%(u)s” không phải tài khoản chủ thể OCOP.") % {"u": user.get_username()})
    if role not in MemberRole.values:
        raise ValidationError(_("Vai trò thành viên không hợp lệ."))
    member, created = EntityMember.objects.get_or_create(user=user, entity=entity, defaults={"role": role})
    if not created and member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    log_action(
        actor,
        "ocop.products.member.added",
        entity,
        after={"user": user.get_username(), "role": role},
        unit=entity.unit,
        request=request,
    )
    return member


# --- products ----------------------------------------------------------------------------------


def classification_model():
    """The model a product's classification points to (the target of `Product.classification`, the
    judging app's classification), or None when it is not installed (the reference stays a string).
    Read from the foreign key, so products names no other app here."""
    model = Product._meta.get_field("classification").related_model
    return model if isinstance(model, type) else None


def apply_classification(product: Product) -> None:
    """Keep the classification FK, its code, the instrument string and the sector consistent: a
    code typed as text that names a known leaf links it; a linked leaf sets the rest."""
    model = classification_model()
    if model is None:
        return
    if product.classification_id is None and product.classification_code:
        node = model.objects.filter(code=product.classification_code.strip(), is_leaf=True).first()
        if node is not None:
            product.classification = node
    if product.classification_id is not None:
        node = product.classification
        product.classification_code = node.code
        product.classification_instrument = f"QĐ {node.instrument.number}"
        product.sector = sector_of_code(node.code) or product.sector


def record_status_change(
    product: Product, new_status: str, actor=None, *, reason: str = "", request=None
) -> ProductStatusChange:
    """Set the status, keep the history and audit it, without access checks: for callers that did
    their own (the evaluation app when a round starts or a decision is issued). Checks the transition."""
    old = product.status
    if new_status not in ProductStatus.values:
        raise ValidationError(_("Trạng thái “%(s)s” không hợp lệ.") % {"s": new_status})
    if old and old != new_status and new_status not in STATUS_TRANSITIONS.get(old, set()):
        raise ValidationError(
            _("Không thể chuyển sản phẩm từ “%(a)s” sang “%(b)s”.")
            % {"a": ProductStatus(old).label, "b": ProductStatus(new_status).label}
        )
    product.status = new_status
    product.version += 1
    product.save(update_fields=["status", "version", "updated_at"])
    change = ProductStatusChange.objects.create(
        product=product,
        from_status="" if old == new_status else old,
        to_status=new_status,
        by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    log_action(
        actor,
        "ocop.products.product.status_changed",
        product,
        before={"status": old},
        after={"status": new_status},
        unit=product.unit,
        reason=reason,
        request=request,
    )
    return change


def _check_product_unit(actor, product: Product) -> None:
    """The commune of origin is the entity's own, or one within the actor's scope: an entity user
    cannot file a product in another province's lists."""
    if product.unit_id is None or product.unit_id == product.entity.unit_id:
        return
    if not scope_for(actor).covers(product.unit, write=True):
        raise ValidationError(
            {
                "unit": _(
                    "Xã “%(u)s” nằm ngoài phạm vi tài khoản của bạn; để trống để lấy xã nơi chủ thể đăng ký, "
                    "hoặc đề nghị cán bộ OCOP cấp tỉnh cập nhật."
                )
                % {"u": product.unit}
            }
        )


@transaction.atomic
def do_register_product(actor, product: Product, *, request=None) -> Product:
    """Register a new product of an entity the actor may manage: status `registered`, with the
    criteria instrument in force on the registration date unless given."""
    entity = product.entity
    if entity is None or entity.deleted_at or not (can_edit_entity(actor, entity) or is_member(actor, entity)):
        raise PermissionDenied
    if product.unit_id is None:
        product.unit = entity.unit
    product.registered_on = product.registered_on or timezone.localdate()
    apply_classification(product)
    _check_product_unit(actor, product)
    if not product.classification_instrument:
        product.classification_instrument = classification_instrument_on(product.registered_on)
    product.status = ProductStatus.REGISTERED
    product.created_by = actor
    product.full_clean()
    product.save()
    ProductStatusChange.objects.create(
        product=product, from_status="", to_status=ProductStatus.REGISTERED, by=actor, reason=_("Đăng ký sản phẩm")
    )
    log_action(
        actor,
        "ocop.products.product.created",
        product,
        after=snapshot(product, Product.AUDIT_FIELDS),
        unit=product.unit,
        request=request,
    )
    return product


@transaction.atomic
def do_update_product(actor, product: Product, *, expected_version: int | None = None, request=None) -> Product:
    current = Product.objects.select_for_update().select_related("entity", "unit").get(pk=product.pk)
    if current.deleted_at or not can_edit_product(actor, current):
        raise PermissionDenied
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict
    before = snapshot(current, Product.AUDIT_FIELDS)
    product.entity_id = current.entity_id  # a product never moves to another entity here
    product.status = current.status  # status changes go through do_change_product_status
    product.version = current.version + 1
    apply_classification(product)
    if product.unit_id != current.unit_id:
        _check_product_unit(actor, product)
    product.full_clean()
    product.save()
    log_action(
        actor,
        "ocop.products.product.changed",
        product,
        before=before,
        after=snapshot(product, Product.AUDIT_FIELDS),
        unit=product.unit,
        request=request,
    )
    return product


@transaction.atomic
def do_change_product_status(
    actor, product: Product, new_status: str, *, reason: str, request=None
) -> ProductStatusChange:
    """A status change by an officer (verification, expiry, revocation…), with its reason."""
    product = Product.objects.select_for_update().select_related("entity", "unit").get(pk=product.pk)
    if product.deleted_at or not can_verify(actor, product):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần ghi lý do hoặc căn cứ (số quyết định…) của việc đổi trạng thái.")})
    if new_status == product.status:
        raise ValidationError({"status": _("Sản phẩm đã ở trạng thái này.")})
    return record_status_change(product, new_status, actor, reason=reason.strip(), request=request)


@transaction.atomic
def do_delete_product(actor, product: Product, *, reason: str, request=None) -> None:
    if not can_verify(actor, product):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do xóa."))
    product.soft_delete()
    log_action(
        actor,
        "ocop.products.product.deleted",
        product,
        before=snapshot(product, Product.AUDIT_FIELDS),
        unit=product.unit,
        reason=reason,
        request=request,
    )


@transaction.atomic
def do_add_photo(actor, product: Product, upload, *, caption: str = "", request=None) -> ProductPhoto:
    if not can_manage_product(actor, product):
        raise PermissionDenied
    validate_photo(upload)  # before anything is stored
    photo = ProductPhoto(product=product, image=upload, caption=caption[:200], uploaded_by=actor)
    photo.full_clean()
    photo.save()
    log_action(
        actor,
        "ocop.products.photo.created",
        product,
        after={"photo": photo.image.name, "caption": photo.caption},
        unit=product.unit,
        request=request,
    )
    return photo


@transaction.atomic
def do_remove_photo(actor, photo: ProductPhoto, *, request=None) -> None:
    if not can_manage_product(actor, photo.product):
        raise PermissionDenied
    photo.deleted_at = timezone.now()
    photo.save(update_fields=["deleted_at"])
    log_action(
        actor,
        "ocop.products.photo.deleted",
        photo.product,
        before={"photo": photo.image.name},
        unit=photo.product.unit,
        request=request,
    )


# --- dossiers ----------------------------------------------------------------------------------


@transaction.atomic
def do_open_dossier(actor, product: Product, *, request=None) -> Dossier:
    """A new dossier version for the product (the files of the previous one carried over), or the
    dossier still being prepared if there is one."""
    if not can_manage_product(actor, product):
        raise PermissionDenied
    open_one = product.dossiers.filter(status__in=DOSSIER_EDITABLE).order_by("-number").first()
    if open_one is not None:
        return open_one
    previous = product.dossiers.order_by("-number").first()
    if previous is not None and previous.status == DossierStatus.SUBMITTED:
        raise ValidationError(_("Hồ sơ lần %(n)s đang chờ kiểm tra; chưa thể mở hồ sơ mới.") % {"n": previous.number})
    number = (product.dossiers.aggregate(m=Max("number"))["m"] or 0) + 1
    dossier = Dossier.objects.create(product=product, number=number, created_by=actor, is_demo=product.is_demo)
    if previous is not None:
        for f in previous.live_files():
            DossierFile.objects.create(
                dossier=dossier,
                category=f.category,
                file=f.file.name,
                name=f.name,
                size=f.size,
                uploaded_by=f.uploaded_by,
                uploaded_at=f.uploaded_at,
            )
    log_action(
        actor,
        "ocop.products.dossier.created",
        dossier,
        after={"number": number, "product": str(product)},
        unit=product.unit,
        request=request,
    )
    return dossier


@transaction.atomic
def do_upload_dossier_file(actor, dossier: Dossier, category: str, upload, *, request=None) -> DossierFile:
    """Add a file to a dossier being prepared. Type, content and size are checked before anything
    is stored (ocop/lib/files.validate_document)."""
    if not can_edit_dossier(actor, dossier):
        raise PermissionDenied
    if category not in DossierCategory.values:
        raise ValidationError({"category": _("Thành phần hồ sơ không hợp lệ.")})
    validate_document(upload)
    item = DossierFile(
        dossier=dossier,
        category=category,
        file=upload,
        name=getattr(upload, "name", "")[:255],
        size=getattr(upload, "size", 0) or 0,
        uploaded_by=actor,
    )
    item.full_clean()
    item.save()
    log_action(
        actor,
        "ocop.products.dossier.file_added",
        dossier,
        after={"category": category, "file": item.name, "size": item.size},
        unit=dossier.product.unit,
        request=request,
    )
    return item


@transaction.atomic
def do_remove_dossier_file(actor, item: DossierFile, *, request=None) -> None:
    if not can_edit_dossier(actor, item.dossier):
        raise PermissionDenied
    item.deleted_at = timezone.now()
    item.save(update_fields=["deleted_at"])
    log_action(
        actor,
        "ocop.products.dossier.file_removed",
        item.dossier,
        before={"category": item.category, "file": item.name},
        unit=item.dossier.product.unit,
        request=request,
    )


@transaction.atomic
def do_submit_dossier(actor, dossier: Dossier, *, request=None) -> Dossier:
    """Submit a dossier for verification; refused with the list of what is missing."""
    dossier = Dossier.objects.select_for_update().select_related("product", "product__entity").get(pk=dossier.pk)
    if not can_edit_dossier(actor, dossier):
        raise PermissionDenied
    missing = completeness_check(dossier)
    if missing:
        raise ValidationError(
            [_("Hồ sơ chưa đủ thành phần, chưa thể nộp. Còn thiếu:")] + [f"– {m}" for m in missing], code="incomplete"
        )
    before = {"status": dossier.status}
    dossier.status = DossierStatus.SUBMITTED
    dossier.submitted_at = timezone.now()
    dossier.submitted_by = actor
    dossier.save(update_fields=["status", "submitted_at", "submitted_by"])
    log_action(
        actor,
        "ocop.products.dossier.submitted",
        dossier,
        before=before,
        after={"status": dossier.status},
        unit=dossier.product.unit,
        request=request,
    )
    return dossier


@transaction.atomic
def do_review_dossier(actor, dossier: Dossier, *, complete: bool, note: str = "", request=None) -> Dossier:
    """An officer's verification: complete (ready for an evaluation round) or back for additions."""
    dossier = (
        Dossier.objects.select_for_update()
        .select_related("product", "product__entity", "product__unit")
        .get(pk=dossier.pk)
    )
    if not can_verify(actor, dossier.product):
        raise PermissionDenied
    if dossier.status != DossierStatus.SUBMITTED:
        raise ValidationError(_("Chỉ kiểm tra được hồ sơ đã nộp."))
    if complete:
        missing = completeness_check(dossier)
        if missing:
            raise ValidationError([_("Hồ sơ còn thiếu, không thể xác nhận đủ:")] + [f"– {m}" for m in missing])
    elif not note.strip():
        raise ValidationError({"note": _("Cần ghi rõ thành phần cần bổ sung để trả lại hồ sơ.")})
    before = {"status": dossier.status}
    dossier.status = DossierStatus.COMPLETE if complete else DossierStatus.INCOMPLETE
    dossier.reviewed_at = timezone.now()
    dossier.reviewed_by = actor
    dossier.review_note = note.strip()
    dossier.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_note"])
    log_action(
        actor,
        "ocop.products.dossier.reviewed",
        dossier,
        before=before,
        after={"status": dossier.status},
        unit=dossier.product.unit,
        reason=dossier.review_note,
        request=request,
    )
    return dossier


@transaction.atomic
def do_submit_self_assessment(
    actor,
    dossier: Dossier,
    *,
    criteria_set_code: str,
    criteria_set_version: str = "",
    choices: dict | None = None,
    declared_total: Decimal | None = None,
    request=None,
) -> SelfAssessment:
    """Store the applicant's self-assessment; the total is computed by the evaluation app's scoring
    when the criteria set is available there (otherwise it stays empty)."""
    if not can_edit_dossier(actor, dossier):
        raise PermissionDenied
    if not (criteria_set_code or "").strip():
        raise ValidationError({"criteria_set_code": _("Chưa chọn bộ tiêu chí.")})
    choices = {str(k): str(v) for k, v in (choices or {}).items()}
    if declared_total is not None and not (Decimal(0) <= declared_total <= Decimal(100)):
        raise ValidationError({"declared_total": _("Tổng điểm phải từ 0 đến 100.")})
    sheet = criteria.criteria_set_for(dossier.product)
    total = None
    if sheet is not None and sheet.code == criteria_set_code:
        known = {c.code: {o.code for o in c.options} for c in sheet.criteria}
        bad = [k for k, v in choices.items() if k not in known or v not in known[k]]
        if bad:
            raise ValidationError(_("Phương án đã chọn không thuộc bộ tiêu chí: %(c)s.") % {"c": ", ".join(bad[:5])})
        missing = [c.label for c in sheet.criteria if c.code not in choices and not c.bonus]
        if missing:
            raise ValidationError(
                _("Chưa chọn phương án cho %(n)s tiêu chí, ví dụ: %(c)s.") % {"n": len(missing), "c": missing[0]}
            )
        total = criteria.score(sheet, choices)
    assessment = SelfAssessment.objects.create(
        dossier=dossier,
        criteria_set_code=criteria_set_code.strip()[:64],
        criteria_set_version=(criteria_set_version or "").strip()[:50],
        choices=choices,
        total=total,
        declared_total=declared_total,
        submitted_by=actor,
    )
    log_action(
        actor,
        "ocop.products.self_assessment.created",
        dossier,
        after={
            "criteria_set": assessment.criteria_set_code,
            "version": assessment.criteria_set_version,
            "total": str(total) if total is not None else None,
            "declared_total": str(declared_total) if declared_total is not None else None,
        },
        unit=dossier.product.unit,
        request=request,
    )
    return assessment


def instrument_for(day: dt.date | None) -> str:
    return classification_instrument_on(day or timezone.localdate())
