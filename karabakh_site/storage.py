"""Static file storage for the reader site."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ForgivingManifestStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed names after ``collectstatic``; plain names before it.

    Production runs ``collectstatic`` (``make serve`` does), so every file has a hashed name and
    whitenoise serves it with far-future caching. The test suite and a fresh checkout have no
    manifest: instead of failing, pages link the plain name, which the finders serve.
    """

    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            # Neither in the manifest nor collected yet.
            return name
