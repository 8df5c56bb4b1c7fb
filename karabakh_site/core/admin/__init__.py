"""The admin of core: the shared records (sources, topics) and the bases every content admin
builds on.

- publishable.py: PublishableAdmin and its citation inline, the base of each content app's admin
- versioning.py: history with diffs and restore, conflict-safe editing (EditorialAdmin)
- workflow.py: the review workflow panel, the publish/withdraw actions, the status columns
- importexport.py: the import and export views (ImportExportMixin)
- records.py: the Source and Topic admins, registered here by importing them
- helpers.py: the admin's URL names (permissions are in core.permissions)
- claims.py: contested claims and the positions on them, with their sources
- evidence.py: the perspectives of sources, and the report of items resting on one side alone
- translations.py: each item's translations with their status, and the list of outdated ones
- tokens.py: the API tokens (a key shown once, revocation), registered here by importing them
"""

from .claims import ClaimAdmin
from .evidence import PerspectiveAdmin
from .helpers import url_name
from .importexport import ImportExportMixin, ImportForm
from .publishable import CitationInline, CitationInlineFormSet, PublishableAdmin
from .records import SharedRecordAdminMixin, SourceAdmin, TopicAdmin
from .tokens import ApiTokenAdmin
from .translations import TranslationAdmin
from .versioning import EditorialAdmin, VersionedFormMixin
from .workflow import WorkflowMixin

__all__ = [
    "ApiTokenAdmin", "TranslationAdmin", "CitationInline", "ClaimAdmin", "PerspectiveAdmin", "CitationInlineFormSet", "EditorialAdmin", "ImportExportMixin",
    "ImportForm", "PublishableAdmin", "SharedRecordAdminMixin", "SourceAdmin", "TopicAdmin", "VersionedFormMixin",
    "WorkflowMixin", "url_name",
]  # fmt: skip
