"""Every page type passes axe-core (WCAG 2.1 AA) and the W3C Nu HTML checker."""

import json
import subprocess
import urllib.error
import urllib.request

import pytest

from .conftest import page_paths

pytestmark = pytest.mark.browser

# WCAG 2.1 AA, and axe's best practices (landmarks, headings, unique names) on every page too.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def describe(violations) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_page_type_has_no_axe_violations(live_server, page, archive, axe_path, color_scheme):
    page.emulate_media(color_scheme=color_scheme)
    failures = {}
    for name, path in page_paths(archive).items():
        page.goto(live_server.url + path)
        page.add_script_tag(path=str(axe_path))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
        )
        if result["violations"]:
            failures[name] = describe(result["violations"])
    assert failures == {}


EXPECTED_STATUS = {"bad request": 400, "not found": 404}


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:  # 400 and 404 pages are checked too
        return error.code, error.read()


def test_every_page_type_is_valid_html(live_server, archive, vnu_command, tmp_path):
    files, statuses = {}, {}
    for name, path in page_paths(archive).items():
        file = tmp_path / (name.replace(" ", "-").replace(",", "") + ".html")
        statuses[name], html = fetch(live_server.url + path)
        file.write_bytes(html)
        files[str(file)] = name
    assert statuses == {name: EXPECTED_STATUS.get(name, 200) for name in statuses}
    assert vnu_errors(vnu_command, files) == []
    assert len(files) == len(page_paths(archive))


def vnu_errors(vnu_command, files: dict[str, str]) -> list[str]:
    """The Nu HTML checker's errors for ``files`` (path -> page name), one line each."""
    # One JVM for every page: start-up costs about two seconds.
    result = subprocess.run(
        [*vnu_command, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
