"""Regular expressions the OpenAPI document states and the code checks (pure: the API's
route modules import these without loading pydantic)."""

from __future__ import annotations

TAG = r"[a-z][a-z0-9_]{0,39}"
#: a comma-separated list of tags as the segment parser reads it (blanks and spaces ignored)
TAG_LIST = rf"^\s*({TAG})?\s*(,\s*({TAG})?\s*)*$"
