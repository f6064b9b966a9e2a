"""The one access guard: who may read, edit, publish or manage what.

Every view asks here; no view decides a permission on its own. An item that
belongs to an area (and optionally a service) exposes `owning_unit()`, which
returns `(area_id, service_id)`; the guard compares it with the user's scope.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from governance.models import BodyKind, Membership
from governance.roles import Role


@dataclass(frozen=True)
class Scope:
    """The areas and services a technician is assigned to."""

    area_ids: frozenset[int]
    service_ids: frozenset[int]

    def covers(self, area_id: int | None, service_id: int | None = None) -> bool:
        return area_id in self.area_ids or (
            service_id is not None and service_id in self.service_ids
        )


def roles_of(user) -> frozenset[Role]:
    """The user's roles, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_plis_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if user.is_superuser:
            cached |= {Role.ADMINISTRATOR}
        user._plis_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def may_read_internal(user) -> bool:
    """Internal (not yet published) pages are for anyone with a role."""
    return bool(roles_of(user))


def may_publish(user) -> bool:
    return has_role(user, Role.PUBLICATION_STAFF, Role.ADMINISTRATOR)


def may_steer(user) -> bool:
    """Directors, publication staff and administrators read dashboards and rounds."""
    return has_role(user, Role.DIRECTOR, Role.PUBLICATION_STAFF, Role.ADMINISTRATOR)


def require_steering(user) -> None:
    if not may_steer(user):
        raise PermissionDenied


def may_read_area(user, area_id: int) -> bool:
    """An area's picture across the instruments: those who steer, and the technicians
    of that area, who report on its items and answer for how it goes. A technician of
    one service or of another area reads each item, but not the area's summary."""
    if may_steer(user):
        return True
    return has_role(user, Role.TECHNICIAN) and area_id in editable_scope(user).area_ids


def may_manage_governance(user) -> bool:
    return has_role(user, Role.PUBLICATION_STAFF, Role.ADMINISTRATOR)


def may_decide_actions(user, *, today=None) -> bool:
    """The transversal technical commission values and validates the plan's actions;
    publication staff and administrators may record its decisions too. Its members
    decide only if they may read the plan's pages (they have a role)."""
    if may_manage_governance(user):
        return True
    if not may_read_internal(user):
        return False
    return (
        Membership.objects.on(today or timezone.localdate())
        .filter(person__user=user, seat__body__kind=BodyKind.TRANSVERSAL_TECHNICAL)
        .exists()
    )


def editable_scope(user) -> Scope:
    cached = getattr(user, "_plis_scope", None)
    if cached is None:
        if has_role(user, Role.TECHNICIAN):
            cached = Scope(
                frozenset(user.technician_areas.values_list("id", flat=True)),
                frozenset(user.technician_services.values_list("id", flat=True)),
            )
        else:
            cached = Scope(frozenset(), frozenset())
        user._plis_scope = cached
    return cached


def may_edit(user, area_id: int | None, service_id: int | None = None) -> bool:
    if has_role(user, Role.ADMINISTRATOR):
        return True
    return editable_scope(user).covers(area_id, service_id)


def may_edit_item(user, item) -> bool:
    return may_edit(user, *item.owning_unit())


def may_edit_relations(user, item) -> bool:
    """Who may add and remove the related items of a plan's item (its indicators and PLIS
    actions): whoever may edit the item (its area's technicians, administrators) and
    publication staff, who assemble the published documents."""
    return may_publish(user) or may_edit_item(user, item)


def editable_q(user, *, area: str = "area", service: str | None = "service") -> Q:
    """A filter for the items the user may edit, given the lookups to their area/service."""
    if has_role(user, Role.ADMINISTRATOR):
        return Q()
    scope = editable_scope(user)
    condition = Q(**{f"{area}__in": scope.area_ids})
    if service is not None:
        condition |= Q(**{f"{service}__in": scope.service_ids})
    if not scope.area_ids and not scope.service_ids:
        return Q(pk__in=[])
    return condition


def require_reader(user) -> None:
    if not may_read_internal(user):
        raise PermissionDenied


def require_publisher(user) -> None:
    if not may_publish(user):
        raise PermissionDenied


def permission_required(check: Callable[..., bool]):
    """A view's guard, declared above it: 403 unless `check(request.user)`.

    Views state their check at their top, either with one of the decorators below or
    with a guarded getter (`get_item_for_user`) as their first line, so a reader sees
    the guard without reading the body. The check is kept on the view
    (`view.access_check`) for the tests that list every route.
    """

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.access_check = check
        return guarded

    return decorator


reader_required = permission_required(may_read_internal)
steering_required = permission_required(may_steer)
publisher_required = permission_required(may_publish)
governance_manager_required = permission_required(may_manage_governance)
action_decider_required = permission_required(may_decide_actions)


def get_area_for_user(user, queryset, **lookup):
    """Fetch one area (404 if absent) whose picture `user` may read (`may_read_area`);
    403 before any query for whoever may read no area's picture."""
    if not may_steer(user) and not has_role(user, Role.TECHNICIAN):
        raise PermissionDenied
    area = get_object_or_404(queryset, **lookup)
    if not may_read_area(user, area.pk):
        raise PermissionDenied
    return area


def get_item_for_user(
    user,
    queryset,
    *,
    write: bool = False,
    edit_check: Callable[..., bool] = may_edit_item,
    **lookup,
):
    """Fetch one item (404 if absent) that `user` may read, and edit when `write`
    (`edit_check(user, item)`; e.g. `may_edit_relations` for its related items)."""
    require_reader(user)
    item = get_object_or_404(queryset, **lookup)
    if write and not edit_check(user, item):
        raise PermissionDenied
    return item
