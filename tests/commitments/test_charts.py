"""The balance's SVG charts escape every value they write, attributes included."""

from xml.etree import ElementTree

from terrassa_plis.charts import Bar, bar_chart


def test_quotes_in_attributes_and_text_are_escaped():
    svg = bar_chart(
        [Bar('Pendent "urgent" <b>', 3, colour='#fff" onload="alert(1)', note="l'any")],
        title='Estat "actual" & <previst>',
        chart_id='chart" onmouseover="alert(1)',
    )

    assert 'onload="' not in svg and 'onmouseover="' not in svg
    assert "<b>" not in svg and "<previst>" not in svg
    # Still one well-formed SVG, whose texts read as they were given.
    root = ElementTree.fromstring(str(svg))
    namespace = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{namespace}title").text == 'Estat "actual" & <previst>'
    assert root.find(f"{namespace}rect").get("fill") == '#fff" onload="alert(1)'
    assert root.find(f"{namespace}title").get("id") == 'chart" onmouseover="alert(1)-title'
    [text] = root.iter(f"{namespace}text")
    assert text.text == 'Pendent "urgent" <b>'
    assert text.find(f"{namespace}tspan").text.endswith("(l'any)")
