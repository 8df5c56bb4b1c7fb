"""Strict JSON fields for the API's serializers, and what a slug may contain."""

import decimal
import math
import re

from django.db import models
from rest_framework import serializers

# What a slug may contain (Django's validate_slug), for URL lookups and slug-valued fields.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_PATH = SLUG.pattern

# Strict JSON fields ----------------------------------------------------------------------------
# DRF turns 0 into "0" and "true" into True; the schema promises strings, booleans and numbers,
# so a value of another JSON type is a 400, as its type says.


class _StrictType:
    json_types: tuple[type, ...] = ()
    type_message = "Not a valid value."

    def to_internal_value(self, data):
        if (
            isinstance(data, bool)
            and bool not in self.json_types
            or not isinstance(data, self.json_types)
        ):
            raise serializers.ValidationError(self.type_message, code="invalid_type")
        return super().to_internal_value(data)


class StrictCharField(_StrictType, serializers.CharField):
    json_types = (str,)
    type_message = "Give a string."


class StrictSlugField(_StrictType, serializers.SlugField):
    json_types = (str,)
    type_message = "Give a string."


class StrictURLField(_StrictType, serializers.URLField):
    json_types = (str,)
    type_message = "Give a URL as a string."


class StrictBooleanField(_StrictType, serializers.BooleanField):
    json_types = (bool,)
    type_message = "Give true or false."


class StrictIntegerField(_StrictType, serializers.IntegerField):
    json_types = (int,)
    type_message = "Give a whole number."


class StrictDecimalField(_StrictType, serializers.DecimalField):
    """A JSON number, rounded to the field's decimal places rather than refused for them."""

    json_types = (int, float)
    type_message = "Give a number."

    def to_internal_value(self, data):
        if isinstance(data, float) and math.isfinite(data) and self.decimal_places is not None:
            value = decimal.Decimal(repr(data))
            # The range first: rounding 1e23 to six places needs more digits than any decimal
            # context holds (InvalidOperation), and the range is what the client got wrong.
            if self.max_value is not None and value > self.max_value:
                self.fail("max_value", max_value=self.max_value)
            if self.min_value is not None and value < self.min_value:
                self.fail("min_value", min_value=self.min_value)
            try:
                data = value.quantize(decimal.Decimal(1).scaleb(-self.decimal_places))
            except decimal.InvalidOperation:
                data = value  # Too many digits even rounded: DRF's max_digits message says so.
            return serializers.DecimalField.to_internal_value(self, data)
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(_StrictType, serializers.PrimaryKeyRelatedField):
    json_types = (int,)
    type_message = "Give the id as a whole number."


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.BooleanField: StrictBooleanField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.DecimalField: StrictDecimalField,
    }


class StrictSlugRelatedField(_StrictType, serializers.SlugRelatedField):
    """A related object by slug; a malformed slug is refused before it reaches the database
    (PostgreSQL refuses NUL characters outright)."""

    json_types = (str,)
    type_message = "Give a slug as a string."

    def run_validation(self, data=serializers.empty):
        # DRF turns "" into null for relations; the schema says a slug or null, so "" is refused
        # as the malformed slug it is (found by schemathesis), not taken as "none".
        if data == "":
            raise serializers.ValidationError(
                "'' is not a slug; give null for none.", code="invalid_slug"
            )
        return super().run_validation(data)

    def to_internal_value(self, data):
        if isinstance(data, str) and not SLUG.fullmatch(data):
            raise serializers.ValidationError(f"{data!r} is not a slug.", code="invalid_slug")
        return super().to_internal_value(data)
