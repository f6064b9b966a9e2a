from terrassa_plis.richtext import render


def test_a_list_typed_under_its_sentence_becomes_a_list_and_the_next_line_a_paragraph():
    html = render("Tràmits del Servei:\n- 344 tràmits.\n- 5 sessions.\nEn el primer semestre...")
    assert html == (
        "<p>Tràmits del Servei:</p>\n<ul>\n<li>344 tràmits.</li>\n<li>5 sessions.</li>\n</ul>\n"
        "<p>En el primer semestre...</p>"
    )


def test_bold_and_links_are_kept_and_links_open_safely():
    html = render("**Important**: vegeu [la memòria](https://www.terrassa.cat/memoria).")
    assert "<strong>Important</strong>" in html
    assert '<a href="https://www.terrassa.cat/memoria" rel="noopener noreferrer">' in html


def test_scripts_styles_and_dangerous_links_are_removed():
    html = render("<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))")
    assert "script" not in html
    assert "onerror" not in html and "<img" not in html
    assert "javascript:" not in html


def test_empty_text_renders_nothing():
    assert render("") == "" and render("   \n ") == ""
