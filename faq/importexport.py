"""FAQ entries in CSV and JSON (see karabakh_site.core.importexport): their columns, and their
group given by slug, created from ``group_name`` when the archive lacks it."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from karabakh_site.core.importexport import ItemKind
from karabakh_site.core.importexport.values import messages_of, to_int, to_text

from .models import FAQEntry, FAQGroup


class FAQKind(ItemKind):
    name = "faq"
    model = FAQEntry
    item_columns = ["slug", "question", "answer", "group", "group_name", "position"]
    item_converters = {"position": to_int}
    demo_file = "faq.json"

    def queryset(self):
        return super().queryset().select_related("group")

    def export_value(self, item, column):
        if column == "group":
            return item.group.slug
        if column == "group_name":
            return item.group.name
        return super().export_value(item, column)

    def convert(self, row, errors):
        values = super().convert({**row, "group": None, "group_name": None}, errors)
        values.pop("group_name", None)
        try:
            group_slug = to_text(row.get("group")).strip()
            group_name = to_text(row.get("group_name")).strip()
        except ValueError as error:
            errors.append(f"group: {error}")
            values["group"] = None
            return values
        values["group"] = FAQGroup.objects.filter(slug=group_slug).first()
        if values["group"] is None and group_slug and group_name:
            values["group"] = self.new_group(group_slug, group_name, errors)
        elif values["group"] is None:
            errors.append(f"unknown FAQ group {group_slug!r} (give group_name to create it)")
        return values

    def new_group(self, slug, name, errors):
        """A group the file names but the archive lacks, checked like the admin's form would:
        created inside the import's transaction, so a refused import leaves no group behind."""
        group = FAQGroup(slug=slug, name=name, position=FAQGroup.objects.count())
        try:
            group.full_clean()
        except ValidationError as error:
            errors.extend(f"new FAQ group {slug!r}: {message}" for message in messages_of(error))
            return None
        group.save()
        return group

    def demo_row(self, record):
        # The demo files name a group by its name alone; its slug is made from the name.
        group_name = record.get("group") or "General"
        row = super().demo_row({key: value for key, value in record.items() if key != "group"})
        return {
            "position": 0,
            **row,
            "group": slugify(group_name),
            "group_name": group_name,
        }
