"""The XSS corpus of tests/browser/test_xss_corpus.py: text that would run script if any page or
admin page let it through as HTML, as a URL or as code.

Each payload that runs sets ``window.__xss`` or opens a dialog (alert, confirm, prompt), which the
test watches for. Most are short, so that several fit a 100-character name field; a field too short
for one gets it cut, which is one more piece of broken markup.
"""

SCRIPT_TAGS = [
    "<script>window.__xss=1</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>window.__xss=2</sCrIpT>",
    "<script src=data:,window.__xss=3></script>",
    "<script>/*</script><script>*/window.__xss=4</script>",
    "<scr<script>ipt>window.__xss=5</scr</script>ipt>",
    '"><script>window.__xss=6</script>',
    "'><script>window.__xss=7</script>",
    "</title><script>window.__xss=8</script>",
    "</textarea><script>window.__xss=9</script>",
    "</script><script>window.__xss=10</script>",
    "<!--</script><script>window.__xss=11</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=12>">',
]

EVENT_HANDLERS = [
    "<img src=x onerror=window.__xss=20>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<img src="x" onerror="window.__xss=21">',
    "<body onload=window.__xss=22>",
    "<svg onload=window.__xss=23>",
    "<svg><script>window.__xss=24</script></svg>",
    "<svg><animate onbegin=window.__xss=25 attributeName=x dur=1s>",
    "<details open ontoggle=window.__xss=26>",
    "<input autofocus onfocus=window.__xss=27>",
    "<video><source onerror=window.__xss=28></video>",
    "<div onmouseover=window.__xss=29>hover</div>",
    "<marquee onstart=window.__xss=30>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=31>",
    '<a href="#" onclick="window.__xss=32">x</a>',
    "<img src=x onerror\t=window.__xss=33>",
    '" onmouseover="window.__xss=34" x="',
    "' onfocus='window.__xss=35' autofocus '",
]

URLS = [
    '<a href="javascript:window.__xss=40">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="&#106;avascript:window.__xss=41">ent</a>',
    '<a href="java\tscript:window.__xss=42">tab</a>',
    '<a href="data:text/html,<script>window.__xss=43</script>">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "[md link](javascript:window.__xss=44)",
    "[md data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[md vb](vbscript:msgbox(1))",
    "[md spaced]( javascript:window.__xss=45 )",
    "[md ent](&#x6A;avascript:window.__xss=46)",
    "![md img](javascript:window.__xss=47)",
    '![md img](x" onerror="window.__xss=48)',
    "[ref][x]\n\n[x]: javascript:window.__xss=49",
    "<javascript:window.__xss=50>",
    '<https://example.org/"onmouseover="window.__xss=51>',
    '<iframe src="javascript:window.__xss=52"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=53</script>"></iframe>',
    '<object data="javascript:window.__xss=54"></object>',
    '<embed src="data:text/html,<script>parent.__xss=55</script>">',
    '<form action="javascript:window.__xss=56"><button>go</button></form>',
    '<base href="javascript:window.__xss=57//">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=58">',
]

CSS = [
    '<div style="width:expression(window.__xss=60)">css</div>',
    '<div style="background:url(javascript:window.__xss=61)">css</div>',
    "<style>@import 'javascript:window.__xss=62';</style>",
    '<link rel="stylesheet" href="javascript:window.__xss=63">',
]

BROKEN_MARKUP = [
    "<img src=x onerror=window.__xss=70",
    "<a href='javascript:window.__xss=71'",
    "<<script>window.__xss=72//<</script>",
    "<img/src=x/onerror=window.__xss=73>",
    "<svg/onload=window.__xss=74",
    "<!--",
    "-->\"'><img src=x onerror=window.__xss=75>",
    "<![CDATA[<script>window.__xss=76</script>]]>",
    "\"'><</p></div></main>",
]

ENTITIES_AND_UNICODE = [
    "&lt;script&gt;window.__xss=80&lt;/script&gt;",
    "&#60;img src=x onerror=window.__xss=81&#62;",
    "\uff1cscript\uff1ewindow.__xss=82\uff1c/script\uff1e",
    "\u202egnp.exe<img src=x onerror=window.__xss=83>",
    "\u2066\u202e</script>\u2069 RTL",
    "\u200b<script>window.__xss=84</script>\u200b",
    "\\u003cscript\\u003ewindow.__xss=85\\u003c/script\\u003e",
    "%3Cscript%3Ewindow.__xss=86%3C/script%3E",
]

# Text that lands in JSON-LD (a <script type="application/ld+json"> element) and in JSON the
# pages hand to scripts.
JSON_LD = [
    "</script><img src=x onerror=window.__xss=90>",
    "</SCRIPT ><script>window.__xss=91</script>",
    "<!--<script>window.__xss=92</script>-->",
    '"}]}</script><script>window.__xss=93</script>',
]

TEMPLATES_AND_MARKDOWN = [
    "{{ 7*7 }} {% now 'Y' %} {{ request.user.password }}",
    "{% autoescape off %}<script>window.__xss=100</script>{% endautoescape %}",
    "${alert(1)} #{alert(1)} <%= alert(1) %>",
    "[^1]: footnote <script>window.__xss=101</script>",
    "Footnote[^xss]\n\n[^xss]: <img src=x onerror=window.__xss=102>",
    "`<script>window.__xss=103</script>` in code",
    "```\n</code></pre><script>window.__xss=104</script>\n```",
    "<https://example.org/<script>window.__xss=105</script>>",
    "**<img src=x onerror=window.__xss=106>**",
]

PAYLOADS = [
    *SCRIPT_TAGS,
    *EVENT_HANDLERS,
    *URLS,
    *CSS,
    *BROKEN_MARKUP,
    *ENTITIES_AND_UNICODE,
    *JSON_LD,
    *TEMPLATES_AND_MARKDOWN,
]


def chunks(limit: int) -> list[str]:
    """The corpus packed into pieces of at most ``limit`` characters (one field's value each),
    every payload in one piece; a payload longer than ``limit`` is cut."""
    pieces, current = [], ""
    for payload in PAYLOADS:
        payload = payload[:limit]
        if current and len(current) + 1 + len(payload) > limit:
            pieces.append(current)
            current = ""
        current = f"{current} {payload}" if current else payload
    return [*pieces, current]


def everything(start: int = 0) -> str:
    """The whole corpus as one Markdown text, beginning at payload ``start`` so that a payload
    that swallows what follows it (an unclosed comment) does not hide the same ones everywhere."""
    start %= len(PAYLOADS)
    return "\n\n".join(PAYLOADS[start:] + PAYLOADS[:start])
