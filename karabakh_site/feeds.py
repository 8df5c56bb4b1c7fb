"""What the content apps' feeds share."""

from django.utils.feedgenerator import Atom1Feed


class PlainTextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are plain text (``type="text"``).

    Django's Atom1Feed declares every summary ``type="html"``: a plain-text standfirst or
    correction such as ``A <-> B`` or ``AT&T`` would be read as markup. Atom entries' children
    may come in any order, so the summary is written after the others.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
