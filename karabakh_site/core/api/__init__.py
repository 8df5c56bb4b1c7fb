"""The JSON API's shared parts, one module each; the router and URLs are in karabakh_site.api,
each content app's viewsets in its own api.py.

- views: the viewset bases (ArchiveViewSet, PublishableViewSet) and the source and topic viewsets
- filters: the filter bases the content apps' API FilterSets build on
- fields: strict JSON fields (StrictModelSerializer) and what a slug may contain
- permissions: who may write (ArchiveModelPermissions)
- throttling, pagination, ordering: the defaults named in settings.REST_FRAMEWORK
- conditional: ETag, Last-Modified, 304s and Cache-Control (ApiViewMixin)
- errors: errors as JSON (the exception handler, the JSON parser, the site's 404 handler)
- schema: the OpenAPI postprocessing hook

Nothing is imported here: settings name these modules by dotted path, and DRF imports them while
rest_framework.views is still loading.
"""
