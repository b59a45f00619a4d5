"""The fields a candidate import maps columns onto (its own module: the API's route module
names them in the OpenAPI document without loading the e-mail and phone validators)."""

from __future__ import annotations

FIELDS = ("name", "email", "phone", "external_id", "locale", "timezone", "tags", "consent")
