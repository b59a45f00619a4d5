"""Metering for finance: price table, monthly statements, budgets, margin (docs/metering.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import Caller, Query, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.billing import schemas
else:
    schemas = schemas_of("chalicelib.billing.schemas")

bp = Blueprint(__name__)

FINANCE = ("admin", "finance")
MONTH = Query("month", "YYYY-MM, not after the current month", required=True)


@endpoint(bp, "GET", "/billing/prices", summary="The tenant's price table (every version)",
          roles=FINANCE, response=schemas.PriceTable, authorizer=api_key)
def get_prices(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().billing.prices(caller.tenant_id, caller.now.date())
    return result


@endpoint(bp, "PUT", "/billing/prices", summary="Add a price version effective from a date",
          roles=("admin",), status=201, body=schemas.PriceVersionIn,
          response=schemas.PriceVersion, errors=(400, 409), authorizer=api_key)
def put_prices(caller: Caller, body: schemas.PriceVersionIn) -> dict[str, Any]:
    result: dict[str, Any] = container().billing.add_prices(caller.tenant_id, body.model_dump(),
                                                            caller.now)
    return result


@endpoint(bp, "GET", "/usage", summary="Monthly statement: line items and totals",
          roles=FINANCE, response=schemas.Statement, query=(MONTH,), authorizer=api_key)
def get_usage(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().billing.statement_json(
        caller.tenant_id, caller.param("month"), caller.now.date())
    return result


@endpoint(bp, "POST", "/usage/statements", summary="The monthly statement as CSV in S3",
          roles=FINANCE, status=201, body=schemas.StatementExportIn,
          response=schemas.StatementExport, authorizer=api_key)
def export_statement(caller: Caller, body: schemas.StatementExportIn) -> dict[str, Any]:
    result: dict[str, Any] = container().billing.export_statement(
        caller.tenant_id, body.month, caller.now.date())
    return result


@endpoint(bp, "GET", "/billing/budget", summary="The monthly budget and this month's spend",
          roles=FINANCE, response=schemas.BudgetOut, authorizer=api_key)
def get_budget(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().billing.get_budget(caller.tenant_id, caller.now)
    return result


@endpoint(bp, "PUT", "/billing/budget", summary="Set the monthly budget, alerts and SMS cap",
          roles=("admin",), body=schemas.BudgetIn, response=schemas.BudgetOut,
          authorizer=api_key)
def put_budget(caller: Caller, body: schemas.BudgetIn) -> dict[str, Any]:
    result: dict[str, Any] = container().billing.put_budget(caller.tenant_id,
                                                            body.model_dump(), caller.now)
    return result


@endpoint(bp, "GET", "/billing/margin", summary="Revenue vs estimated AWS cost for a month",
          roles=FINANCE, response=schemas.Margin, query=(MONTH,), authorizer=api_key)
def get_margin(caller: Caller) -> dict[str, Any]:
    result: dict[str, Any] = container().billing.margin(caller.tenant_id,
                                                        caller.param("month"),
                                                        caller.now.date())
    return result
