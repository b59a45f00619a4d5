"""The vendor registry: name -> adapter class. Adding a vendor is its module here and one
line in `ADAPTERS` (tests/unit/test_vendor_registry.py checks that this is all it takes)."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.invitations.adapters.vendors.hireflix import Hireflix
from chalicelib.invitations.adapters.vendors.http import JsonHttp
from chalicelib.invitations.adapters.vendors.sparkhire import SparkHire
from chalicelib.invitations.adapters.vendors.standard import StandardWebhooks
from chalicelib.invitations.domain.vendors import InterviewVendor, VendorConfig

Factory = Callable[[str, "str | None", "JsonHttp | None"], InterviewVendor]

ADAPTERS: dict[str, Factory] = {
    "standard": StandardWebhooks,
    "hireflix": Hireflix,
    "sparkhire": SparkHire,
}


class UnknownVendor(KeyError):
    pass


def build(config: VendorConfig, default_base_url: str, http: JsonHttp | None) -> InterviewVendor:
    """The adapter a tenant's configuration names, on its URLs."""
    try:
        factory = ADAPTERS[config.vendor]
    except KeyError as err:
        raise UnknownVendor(config.vendor) from err
    return factory(config.base_url or default_base_url, config.api_url, http)
