"""Browser tests: journeys in Debian's Chromium, driven by Playwright (the `browser`
fixture is in tests/conftest.py, shared with the accessibility checks)."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ca-ES")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    yield page
    context.close()


def sign_in(page, username, password="demo"):
    page.goto("/entrar/")
    page.get_by_label("Nom d'usuari").fill(username)
    page.get_by_label("Contrasenya").fill(password)
    page.get_by_role("button", name="Entra").click()
    page.wait_for_url("**/")
