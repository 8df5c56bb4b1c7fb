"""Articles in CSV and JSON (see karabakh_site.core.importexport): their columns, and their dated
public corrections, a list of {"date", "text"} after the citations (a JSON array in one CSV cell,
as citations are)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from karabakh_site.core.importexport import ItemKind
from karabakh_site.core.importexport.values import messages_of, to_date, to_records

from .models import Article, Correction

DEFAULT_BYLINE = Article._meta.get_field("byline").default


class ArticleKind(ItemKind):
    name = "articles"
    model = Article
    item_columns = ["slug", "title", "standfirst", "body", "byline"]
    m2m_columns = ["topics", "claims"]
    extra_columns = ["corrections"]
    demo_file = "articles.json"

    @property
    def json_columns(self):
        return {"citations", "corrections"}

    def queryset(self):
        # Oldest first, and so created on import: the order reads back as exported.
        corrections = Correction.objects.order_by("date", "id")
        return super().queryset().prefetch_related(Prefetch("corrections", queryset=corrections))

    def export_value(self, item, column):
        if column == "corrections":
            return [
                {"date": correction.date.isoformat(), "text": correction.text}
                for correction in item.corrections.all()
            ]
        return super().export_value(item, column)

    def convert_extra(self, row, item, errors):
        # A file without the column (a hand-made CSV) leaves an article's corrections alone.
        if "corrections" not in row and item.pk is not None:
            return {}
        try:
            records = to_records(
                row.get("corrections"), what="corrections", names=("date", "text"), required="text"
            )
        except ValueError as error:
            errors.append(f"corrections: {error}")
            return {}
        corrections = []
        for number, record in enumerate(records, start=1):
            try:
                date = to_date(record["date"])
            except ValueError as error:
                errors.append(f"correction {number}: date: {error}")
                continue
            if date is None:
                errors.append(f"correction {number}: needs a date")
                continue
            correction = Correction(date=date, text=record["text"])
            try:
                correction.full_clean(exclude=["article"])
            except ValidationError as error:
                errors.extend(f"correction {number}: {m}" for m in messages_of(error))
            corrections.append((correction.date, correction.text))
        return {"corrections": corrections}

    def write_extra(self, item, extra, *, by):
        """Make the article's corrections exactly the row's, keeping those it already has (and
        their history); returns whether any was added or removed."""
        if "corrections" not in extra:
            return False
        unmatched = list(item.corrections.order_by("date", "id"))
        changed = False
        for date, text in extra["corrections"]:
            match = next((c for c in unmatched if (c.date, c.text) == (date, text)), None)
            if match is not None:
                unmatched.remove(match)
                continue
            correction = Correction(article=item, date=date, text=text)
            if by is not None:
                correction._history_user = by
            correction.save()
            changed = True
        for correction in unmatched:
            if by is not None:
                correction._history_user = by
            correction.delete()
            changed = True
        return changed

    def demo_row(self, record):
        # The demo article says who wrote it only when it is not the archive's editors, and
        # lists its corrections, so one the data no longer has goes on the next load.
        row = super().demo_row(record)
        return {"corrections": [], **row, "byline": record.get("byline") or DEFAULT_BYLINE}
