""" "Now" inside a query, read from the clock each time the query runs.

``timezone.now()`` passed to ``filter()`` is fixed when the queryset is built. A queryset built once
(on a view class, in a ``Prefetch`` at import time, in a filter's choices) would then keep the
first request's time for the life of the worker: items whose withdraw time passed would stay
listed, and scheduled items would never appear. ``QueryTime()`` is compiled to the application's
clock at the moment the SQL is generated, so every evaluation, and every clone, compares with its
own present. It reads Python's clock rather than the database's (``django.db.models.functions.Now``)
so pages, ``Publishable.is_published`` and the API agree on one clock, and a test that moves the
clock (time-machine) moves it for queries too.
"""

from django.db import models
from django.utils import timezone


class QueryTime(models.Expression):
    output_field = models.DateTimeField()

    def as_sql(self, compiler, connection):
        value = self.output_field.get_db_prep_value(timezone.now(), connection)
        return "%s", [value]
