import pytest
from django.core.exceptions import ValidationError

from karabakh_site.core.publishing import validate_citations
from karabakh_site.markdown import MAX_MARKDOWN_LENGTH, render_markdown
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "markdown, forbidden",
    [
        ("Hello <script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="#" onclick="steal()">x</a>', "onclick"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
    ],
)
def test_rendering_removes_dangerous_html(markdown, forbidden):
    assert forbidden not in render_markdown(markdown).lower()


def test_rendering_keeps_ordinary_markdown():
    html = render_markdown("## Heading\n\nSome *emphasis* and [a link](https://example.org).")
    assert "<h2>Heading</h2>" in html
    assert "<em>emphasis</em>" in html
    assert 'href="https://example.org"' in html


def test_citation_markers_become_superscript_links_to_the_source_list():
    html = render_markdown("A claim.[^2] Again.[^2]", anchor_prefix="source")
    assert '<sup class="citation-ref" id="source-ref-2-1"><a href="#source-2"' in html
    assert 'id="source-ref-2-2"' in html
    assert "[^2]" not in html


def test_markers_in_code_stay_literal():
    assert "<code>[^1]</code>" in render_markdown("`[^1]`")


def test_the_article_stores_its_rendered_body_on_save():
    article = ArticleFactory(body="**Bold** claim.[^1]")
    assert "<strong>Bold</strong>" in article.body_html
    assert 'href="#source-1"' in article.body_html


def test_a_marker_that_points_at_no_citation_is_a_validation_error():
    article = ArticleFactory.build(body="One.[^1] Three.[^3]", status="draft")
    with pytest.raises(ValidationError) as error:
        validate_citations(article, citation_count=2)
    assert error.value.message_dict["body"] == [
        "[^3] points at no citation: this item has 2 citations."
    ]


def test_markers_within_the_citation_list_are_valid():
    article = ArticleFactory.build(body="One.[^1] Two.[^2]", status="published")

    validate_citations(article, citation_count=2)  # raises ValidationError if refused
    with pytest.raises(ValidationError) as one_short:
        validate_citations(article, citation_count=1)
    assert list(one_short.value.message_dict) == ["body"]


def test_authors_cannot_set_ids_or_classes_that_clash_with_the_page():
    html = render_markdown(
        '<a id="main" class="visually-hidden" href="#x">x</a> <sup id="source-2" class="x">y</sup>'
        " Marker.[^1]",
        anchor_prefix="source",
    )
    assert 'id="main"' not in html
    assert "visually-hidden" not in html
    assert 'id="source-2"' not in html
    assert 'class="x"' not in html
    assert '<sup class="citation-ref" id="source-ref-1-1">' in html


@pytest.mark.parametrize(
    "text",
    ["[" * 20_000, "[a][b" * 10_000, "![a](" * 10_000, "[" * 10_000 + "]" * 10_000, "*a_" * 20_000],
    ids=["open brackets", "reference links", "images", "nested brackets", "emphasis"],
)
def test_input_that_made_the_old_renderer_quadratic_renders_as_text(text):
    # Timing is measured in `make bench`; here: it renders, and nothing of it becomes markup.
    html = render_markdown(text)

    assert html.startswith("<p>") and "<a" not in html and "<img" not in html


def test_a_markdown_field_over_the_maximum_is_refused_with_its_size():
    article = ArticleFactory.build(body="x" * (MAX_MARKDOWN_LENGTH + 1), status="draft")

    with pytest.raises(ValidationError) as error:
        article.clean()

    assert error.value.message_dict["body"] == [
        f"Keep this under {MAX_MARKDOWN_LENGTH:,} characters; it has {MAX_MARKDOWN_LENGTH + 1:,}."
    ]


def test_a_marker_in_a_link_title_or_code_block_stays_text():
    html = render_markdown('[x](https://example.org "see [^1]")\n\n    code [^1]\n\nText.[^1]')

    assert 'title="see [^1]"' in html
    assert "<pre><code>code [^1]" in html
    assert html.count('class="citation-ref"') == 1
