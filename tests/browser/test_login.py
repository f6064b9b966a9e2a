from governance.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import make_user


def test_tecnic_signs_in_and_sees_the_home_page_in_catalan(page, organisation):
    make_user("tecnic", Role.TECHNICIAN, areas=[organisation[3]])

    sign_in(page, "tecnic")

    assert page.locator("html").get_attribute("lang") == "ca"
    assert page.get_by_role("heading", level=1).inner_text() == "Benvingut/da, Tecnic"
    assert page.get_by_text("Hi accediu com a: Personal tècnic.").is_visible()
    assert page.get_by_role("button", name="Surt").is_visible()
    # The stylesheet and fonts load from the app itself, within the content security policy.
    assert page.console_errors == []
    color = page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert color == "rgb(156, 31, 46)"
