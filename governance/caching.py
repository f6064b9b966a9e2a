"""The dashboards, the PLIS action plan and the public pages are kept in the cache
(`terrassa_plis.cache`) per audience: the reader's roles as the access guard reads them,
or «anonymous». Today every steering role sees the same dashboard, but a link one role
may follow and another may not would then never reach the wrong reader."""

from governance.access import roles_of
from terrassa_plis.cache import cached_page


def audience(request) -> str:
    if not request.user.is_authenticated:
        return "anonymous"
    return ",".join(sorted(role.value for role in roles_of(request.user))) or "no-role"


cached_for_audience = cached_page(audience=audience)
