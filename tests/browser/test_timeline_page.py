"""The timeline page on a phone (390 px) and a desktop (1280 px): the chart fits without any
sideways scroll, hidden or not, and axe-core with its best-practice rules finds nothing."""

import datetime

import pytest

from .test_checks import WCAG_21_AA, describe

pytestmark = pytest.mark.browser

WIDTHS = [390, 1280]
PATHS = ["/en/timeline/", "/en/timeline/?view=compact", "/en/faq/"]

# Every element around the chart that scrolls (or hides) overflow, and the visible chart's box.
CHART_LAYOUT = """() => {
  const svg = [...document.querySelectorAll('.chart-svg')]
    .find(el => getComputedStyle(el).display !== 'none');
  const clipping = [];
  for (let el = svg && svg.parentElement; el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (/(auto|scroll|hidden)/.test(style.overflowX) && el.scrollWidth > el.clientWidth) {
      clipping.push(el.tagName + '.' + el.className);
    }
  }
  const box = svg ? svg.getBoundingClientRect() : null;
  return {
    kind: svg ? svg.getAttribute('class') : null,
    left: box && box.left, right: box && box.right, height: box && box.height,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    clipping,
  };
}"""


@pytest.fixture
def century(archive):
    """The small archive with events a century apart, so the year axis is long, and a second
    FAQ entry, so /faq/ has two source lists."""
    from faq.models import FAQGroup
    from tests.factories import FAQEntryFactory, TimelineEntryFactory

    FAQEntryFactory(question="Who mediated?", slug="mediators", group=FAQGroup.objects.get())

    TimelineEntryFactory(title="Early event", slug="early", date=datetime.date(1921, 7, 5))
    TimelineEntryFactory(title="Late event", slug="late", date=datetime.date(2025, 3, 1))
    return archive


def test_the_chart_fits_the_screen_and_the_pages_pass_axe_at_phone_and_desktop_widths(
    live_server, browser, century, axe_path
):
    layouts, failures = {}, {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(live_server.url + "/en/timeline/")
        layouts[width] = page.evaluate(CHART_LAYOUT)
        # Both colour schemes on the timeline (the chart's colours); light for the rest, which
        # test_checks also runs in dark.
        for scheme, paths in (("light", PATHS), ("dark", PATHS[:1])):
            page.emulate_media(color_scheme=scheme)
            for path in paths:
                page.goto(live_server.url + path)
                page.add_script_tag(path=str(axe_path))
                result = page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                    [*WCAG_21_AA, "best-practice"],
                )
                if result["violations"]:
                    failures[f"{path} at {width} px, {scheme}"] = describe(result["violations"])
        context.close()

    assert failures == {}
    for width, layout in layouts.items():
        assert layout["scrollWidth"] <= layout["innerWidth"], (width, layout)
        assert layout["clipping"] == [], (width, layout)
        assert layout["left"] >= 0 and layout["right"] <= width, (width, layout)
        assert layout["height"] > 100, (width, layout)  # scaled, but still a chart to read
    assert "chart-svg--decades" in layouts[390]["kind"]
    assert "chart-svg--years" in layouts[1280]["kind"]
