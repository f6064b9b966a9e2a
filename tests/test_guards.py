"""Every view of the project states its guard at its top: a
decorator of the access guard (its check kept on the view), a guarded getter as its first
line (`get_item_for_user`, or `get_area_for_user` for an area's page), or, for the public
pages, Django's `login_not_required`."""

import ast
import inspect
import textwrap

import pytest
from django.urls import URLPattern

from commitments import urls as commitments_urls
from governance import urls as governance_urls
from governance.access import (
    may_decide_actions,
    may_manage_governance,
    may_publish,
    may_read_internal,
    may_steer,
)
from overview import urls as overview_urls
from publication import urls as publication_urls
from relations import urls as relations_urls
from search import urls as search_urls
from service_charters import urls as service_charters_urls

PUBLIC = "public"
GETTER = "guarded getter"
AREA_GETTER = "area's guarded getter"
# Route name → the guard its view declares.
GUARDS = {
    "commitments:list": may_read_internal,
    "commitments:export": may_read_internal,
    "commitments:detail": GETTER,
    "commitments:mine": may_read_internal,
    "commitments:entry_edit": GETTER,
    "commitments:balance_choose": may_read_internal,
    "commitments:balance": may_read_internal,
    "commitments:balance_pdf": may_read_internal,
    "publication:dashboard": may_steer,
    "publication:charters_dashboard": may_steer,
    "publication:plis_dashboard": may_steer,
    "publication:rounds": may_steer,
    "publication:round_open": may_publish,
    "publication:round": may_steer,
    "publication:round_review": may_publish,
    "publication:round_publish": may_publish,
    "publication:round_changes": may_steer,
    "publication:public_index": PUBLIC,
    "publication:public_page": PUBLIC,
    "publication:public_version": PUBLIC,
    "publication:public_pdf": PUBLIC,
    "publication:public_changes": PUBLIC,
    "publication:public_data": PUBLIC,
    "publication:public_plis": PUBLIC,
    "publication:public_body": PUBLIC,
    "publication:public_popolo": PUBLIC,
    "publication:public_area": PUBLIC,
    "service_charters:list": may_read_internal,
    "service_charters:year_report": may_read_internal,
    "service_charters:year_report_pdf": may_read_internal,
    "service_charters:shortfalls": may_read_internal,
    "service_charters:year_export": may_read_internal,
    "service_charters:charter_report": GETTER,
    "service_charters:charter_report_pdf": GETTER,
    "service_charters:charter_export": GETTER,
    "service_charters:results_edit": GETTER,
    "service_charters:indicator_detail": GETTER,
    "service_charters:import": may_publish,
    "service_charters:import_confirm": may_publish,
    "governance:plan": may_read_internal,
    "governance:popolo": may_read_internal,
    "governance:body": may_read_internal,
    "governance:body_pdf": may_read_internal,
    "governance:membership_create": may_manage_governance,
    "governance:membership_edit": may_manage_governance,
    "governance:meetings": may_read_internal,
    "governance:meeting": may_read_internal,
    "governance:actions": may_read_internal,
    "governance:actions_pdf": may_read_internal,
    "governance:action": may_read_internal,
    "governance:action_decision": may_decide_actions,
    "governance:action_implementation": may_manage_governance,
    "overview:area": AREA_GETTER,
    "search:search": PUBLIC,
    "relations:manage": GETTER,
    "relations:add": GETTER,
    "relations:remove": GETTER,
}


def routes():
    modules = (
        commitments_urls,
        service_charters_urls,
        governance_urls,
        publication_urls,
        overview_urls,
        search_urls,
        relations_urls,
    )
    for module in modules:
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern)
            yield pytest.param(
                f"{module.app_name}:{pattern.name}", pattern.callback, id=pattern.name
            )


def first_statement(view) -> str:
    """The source of the view's first statement, its docstring skipped."""
    function = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(view)))).body[0]
    body = [
        node
        for node in function.body
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    return ast.unparse(body[0])


def test_every_route_is_listed():
    assert {name for name, _ in (param.values for param in routes())} == set(GUARDS)


@pytest.mark.parametrize(("name", "view"), list(routes()))
def test_each_view_declares_its_guard(name, view):
    guard = GUARDS[name]
    if guard == PUBLIC:
        assert view.login_required is False
    elif guard == GETTER:
        assert "get_item_for_user(" in first_statement(view)
    elif guard == AREA_GETTER:
        assert "get_area_for_user(" in first_statement(view)
    else:
        assert view.access_check is guard
