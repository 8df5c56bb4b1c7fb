import datetime as dt

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


# Inside one window of the fixed-window throttle (it counts from the start of each minute).
@pytest.mark.time_machine(dt.datetime(2026, 3, 2, 12, 0, 5, tzinfo=dt.UTC), tick=False)
@override_settings(API_ANON_THROTTLE_RATE="3/minute")
def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(anonymous):
    statuses = [
        anonymous.get(LIST, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
