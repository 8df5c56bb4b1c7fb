"""The importable kinds by name: core's sources, the shared records items name (topics, places,
FAQ groups: core.importexport.records), then every content kind that declares its
columns (``ContentKind(importexport="timeline.importexport.TimelineKind")``), in app order."""

from collections.abc import Iterator, Mapping

from django.utils.module_loading import import_string

from ..kinds import content_kinds
from .columns import ItemKind, Kind
from .records import ClaimKind, RecordKind, record_models
from .sources import SourceKind


def item_kinds() -> list[ItemKind]:
    """The content kinds' import/export columns, in the order of INSTALLED_APPS (articles come
    before the kinds whose rows name related articles)."""
    return [import_string(kind.importexport)() for kind in content_kinds() if kind.importexport]


class _Kinds(Mapping):
    # Read from the registry at each use, not at import: this module is imported while the
    # admin is discovered, and whatever the apps declare then is what counts.
    def _by_name(self) -> dict[str, Kind]:
        # Sources and the shared records first: item rows name them, so an export of every kind
        # imports back in this order into an empty database.
        records = [
            ClaimKind() if model._meta.label == "core.Claim" else RecordKind(model)
            for model in record_models()
        ]
        return {kind.name: kind for kind in (SourceKind(), *records, *item_kinds())}

    def __getitem__(self, name: str) -> Kind:
        return self._by_name()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name())

    def __len__(self) -> int:
        return len(self._by_name())

    def __repr__(self):
        return f"KINDS({', '.join(self)})"


KINDS: Mapping[str, Kind] = _Kinds()
