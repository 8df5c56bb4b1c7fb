"""Text that a consumer mistaking text for HTML (or HTML for text) shows wrongly or runs."""

PLAIN_TEXT = [
    "A <-> B",
    "AT&T",
    "<img src=x onerror=alert(1)>",
    "</summary>",
    "\"quotes\" & 'apostrophes'",
    "&amp;",
    "</script><script>alert(1)</script>",
    "Շուշի, Шуша: 1992",
]

# Each payload sets window.__xss if a browser ever runs it.
SCRIPT_PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    "<script>window.__xss=1</script>",
    "<svg onload=window.__xss=1>",
    "A <-> B & C",
]
