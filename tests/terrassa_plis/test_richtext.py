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


def test_one_parser_per_thread_is_reused_and_keeps_nothing_between_texts():
    from terrassa_plis.richtext import _parser

    first = _parser()
    # A reference link defined in one text is no link in the next.
    render("[x]: https://example.org/\n\nVegeu [x].")
    assert _parser() is first
    assert render("Vegeu [x].") == "<p>Vegeu [x].</p>"


def test_threads_render_at_once_each_with_its_own_parser():
    from concurrent.futures import ThreadPoolExecutor

    from terrassa_plis.richtext import _parser

    texts = [
        f"Text {n}:\n- **{n}** activitats\n- [enllaç](https://example.org/{n})" for n in range(200)
    ]
    expected = [render(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render, texts)) == expected
        parsers = set(pool.map(lambda _n: id(_parser()), range(8)))
    assert id(_parser()) not in parsers
