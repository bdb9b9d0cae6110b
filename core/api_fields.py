"""Serializer fields for the REST API's request bodies: strict about JSON types, where DRF is lenient.

DRF's CharField turns a number into text (`"industry": 0` becomes "0") and its UUIDField reads an
integer as a UUID (`0` becomes 00000000-…); a client that sent the wrong type learns nothing and
stores what it never meant. These refuse any value that is not a JSON string, so the view answers
400 `invalid_request` naming the field (core/api_errors.py). Use them for every string field of a
request body; response serializers keep DRF's own.
"""

from __future__ import annotations

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A CharField that takes a JSON string only (or null, where allowed)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    """A UUIDField that takes a UUID written as a JSON string only, never a number."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)
