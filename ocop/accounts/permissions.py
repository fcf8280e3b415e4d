"""What each role may do, as capabilities. Views ask `can(user, "audit.view")`; the scope service
(ocop/accounts/scope.py) then decides which objects. Later features add their capabilities here."""

from __future__ import annotations

from ocop.accounts.models import Role

ALL_ROLES = set(Role.values)
LOCAL_OFFICERS = {Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER}

CAPABILITIES: dict[str, set[str]] = {
    # administrative units and the province map are reference data for every signed-in user
    "units.view": ALL_ROLES,
    "map.view": ALL_ROLES,
    # audit trail: central users see all of it, others what their scope covers
    "audit.view": ALL_ROLES - {Role.ENTITY_USER},
    # provincial programme registries and the national status board
    "programme.view": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER} | LOCAL_OFFICERS,
    "programme.edit": {Role.CENTRAL_ADMIN, Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER},
    "board.view": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER},
    # programme analytics (/analytics/, /api/v1/indicators/): central users; a province officer its own province
    "analytics.view": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER, Role.PROVINCE_OFFICER},
    # reporting: requests, submissions, review, completeness
    "reporting.view": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER} | LOCAL_OFFICERS,
    "reporting.submit": LOCAL_OFFICERS,
    # national requests for central users; a province officer requests from its own districts/communes
    "reporting.request": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER, Role.PROVINCE_OFFICER},
    "reporting.review": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER, Role.PROVINCE_OFFICER},
    "reporting.templates": {Role.CENTRAL_ADMIN},
    # outgoing official documents (national): the register, drafting letters, issuing (numbering)
    "documents.view": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER},
    "documents.draft": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER},
    "documents.issue": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER},
    # issuers and signers as dated data: each change a new dated version (central administrators)
    "documents.issuers": {Role.CENTRAL_ADMIN},
    # OCOP entities, products and dossiers: entity users keep their own (ocop/products); province
    # officers and central administrators also edit and verify the entities in their scope
    "products.view": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER, Role.ENTITY_USER} | LOCAL_OFFICERS,
    "products.manage_own": {Role.ENTITY_USER},
    "products.manage": {Role.CENTRAL_ADMIN, Role.PROVINCE_OFFICER},
    # evaluation rounds (ocop/evaluation/rounds.py): council members see only the rounds they sit on;
    # province officers open rounds, seat the council, add products and revoke certificates
    "evaluation.view": {
        Role.CENTRAL_ADMIN,
        Role.CENTRAL_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.COUNCIL_MEMBER,
    },
    "evaluation.manage": {Role.CENTRAL_ADMIN, Role.PROVINCE_OFFICER},
    # the criteria sets as loaded (read-only browser with the [?] facts): central users
    "evaluation.criteria": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER},
    # ... and changed (each change a new version of the data file, with a reason): central administrators
    "evaluation.criteria_edit": {Role.CENTRAL_ADMIN},
    # entity users ask for their certified products to be evaluated again (renewal, upgrade)
    "evaluation.apply": {Role.ENTITY_USER},
    # user management
    "users.view": {Role.CENTRAL_ADMIN, Role.CENTRAL_OFFICER, Role.PROVINCE_OFFICER},
    "users.manage": {Role.CENTRAL_ADMIN, Role.PROVINCE_OFFICER},
}

# Roles that a manager of each role may grant. Central administrators grant every role; a province
# officer manages the accounts of their own province below the central level.
GRANTABLE_ROLES: dict[str, list[str]] = {
    Role.CENTRAL_ADMIN: list(Role.values),
    Role.PROVINCE_OFFICER: [
        Role.PROVINCE_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.COMMUNE_OFFICER,
        Role.COUNCIL_MEMBER,
        Role.ENTITY_USER,
    ],
}


def can(user, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability}")
    return user.role in CAPABILITIES[capability]
