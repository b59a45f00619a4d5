"""`python -m infra.ops <group> <command>`: onboard and look after tenants.

tenants create NAME              a tenant, its first admin key and webhook secret (shown once)
tenants list | show | disable | enable TENANT
keys create TENANT ROLE          another key (--campaign for interviewers, --expires-at)
keys list TENANT                 its keys (never the key itself)
keys revoke TENANT KEY_ID        refused at once by the authorizer (API Gateway caches an
                                 authorization for up to 60 s)
webhook-secret show | rotate | retire TENANT

Where (every command): --stage dev|prod (the table from stack talentloop-<stage>'s
TableName output), --table NAME, --local (the local cloud), --endpoint-url URL,
--region, --profile. Output is JSON on stdout; secrets appear only in create/rotate output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import Clock, SystemClock, parse_instant
from chalicelib.shared.domain.errors import DomainError
from chalicelib.shared.domain.secrets import ROLES
from infra.ops.target import Target, TargetError, resolve

Command = Callable[[Any, argparse.Namespace, Clock], Any]
ONCE = "shown once: store it now (only its hash / the tenant item keeps it)"


def container_for(target: Target, clock: Clock) -> Any:
    """The same wiring the functions use, pointed at the target table."""
    from chalicelib.bootstrap import Container
    from chalicelib.config import Settings

    settings = Settings(stage=target.stage, table_name=target.table, outbox_queue="-",
                        reports_bucket="-", sender_email="-", region=target.region)
    return Container(settings, clock=clock)


# -- tenants ---------------------------------------------------------------------------------
def tenants_create(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    created = c.tenants.create_tenant(a.name, default_locale=a.locale, timezone=a.timezone,
                                      quiet_hours=a.quiet_hours)
    print(f"api_key and webhook_secret are {ONCE}", file=sys.stderr)
    return created


def tenants_list(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    items, cursor = c.tenant_registry.list_tenants(a.limit, a.cursor)
    return {"items": items, "next_cursor": cursor}


def tenants_show(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    return {**c.tenant_registry.show(a.tenant_id),
            "keys": c.api_keys.list_keys(a.tenant_id, include_revoked=False)[0],
            "webhook_secret": c.webhook_secrets.view(a.tenant_id)}


def tenants_disable(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    return c.tenant_registry.disable(a.tenant_id)


def tenants_enable(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    return c.tenant_registry.enable(a.tenant_id)


# -- keys ------------------------------------------------------------------------------------
def keys_create(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    expires: datetime | None = None
    if a.expires_at:
        expires = parse_instant(a.expires_at)
    elif a.expires_in_days:
        expires = clock.now() + timedelta(days=a.expires_in_days)
    created = c.api_keys.create_key(a.tenant_id, a.role, a.label, a.campaign or None, expires)
    print(f"api_key is {ONCE}", file=sys.stderr)
    return created


def keys_list(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    items, _ = c.api_keys.list_keys(a.tenant_id, include_revoked=not a.active)
    return {"items": items}


def keys_revoke(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    from chalicelib.invitations.services.api_keys import OPERATOR

    return c.api_keys.revoke_key(a.tenant_id, a.key_id, by=OPERATOR,
                                 keep_admin=not a.allow_last_admin)


# -- webhook secrets -------------------------------------------------------------------------
def secret_show(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    return c.webhook_secrets.view(a.tenant_id)


def secret_rotate(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    rotated = c.webhook_secrets.rotate(a.tenant_id, a.overlap_hours)
    print(f"webhook_secret is {ONCE}; give it to the vendor before the old one retires",
          file=sys.stderr)
    return rotated


def secret_retire(c: Any, a: argparse.Namespace, clock: Clock) -> Any:
    return c.webhook_secrets.retire(a.tenant_id, a.fingerprint)


def parser() -> argparse.ArgumentParser:
    where = argparse.ArgumentParser(add_help=False)
    group = where.add_argument_group("where")
    group.add_argument("--stage", help="dev or prod: the table from stack talentloop-<stage>")
    group.add_argument("--table", help="the table's name (skips the stack lookup)")
    group.add_argument("--local", action="store_true", help="the local cloud (make run)")
    group.add_argument("--endpoint-url", help="a DynamoDB endpoint (e.g. DynamoDB Local)")
    group.add_argument("--region", help="AWS region (default: the environment's)")
    group.add_argument("--profile", help="AWS profile with the operator's credentials")

    top = argparse.ArgumentParser(prog="python -m infra.ops", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    groups = top.add_subparsers(dest="group", required=True)

    def command(sub: Any, name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = sub.add_parser(name, parents=[where], help=help_text)
        made.set_defaults(func=func)
        return made

    tenants = groups.add_parser("tenants", help="create, list, show, disable, enable")
    sub = tenants.add_subparsers(dest="command", required=True)
    create = command(sub, "create", tenants_create, "a tenant with an admin key")
    create.add_argument("name")
    create.add_argument("--locale", default="en", choices=["en", "zh-CN"])
    create.add_argument("--timezone", default="UTC", help="IANA zone, e.g. Asia/Shanghai")
    create.add_argument("--quiet-hours", help='e.g. "22:00-07:00" or "off"')
    listing = command(sub, "list", tenants_list, "every tenant, oldest first")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--cursor", help="next_cursor of the previous page")
    for name, func, text in (("show", tenants_show, "a tenant, its active keys and secrets"),
                             ("disable", tenants_disable, "refuse its keys and webhooks"),
                             ("enable", tenants_enable, "accept them again")):
        command(sub, name, func, text).add_argument("tenant_id")

    keys = groups.add_parser("keys", help="create, list, revoke")
    sub = keys.add_subparsers(dest="command", required=True)
    create = command(sub, "create", keys_create, "issue a key (shown once)")
    create.add_argument("tenant_id")
    create.add_argument("role", choices=ROLES)
    create.add_argument("--campaign", action="append",
                        help="interviewer keys: a campaign it may read (repeat for several)")
    create.add_argument("--label")
    expiry = create.add_mutually_exclusive_group()
    expiry.add_argument("--expires-at", help="ISO-8601 with offset")
    expiry.add_argument("--expires-in-days", type=float)
    listing = command(sub, "list", keys_list, "a tenant's keys (never the key itself)")
    listing.add_argument("tenant_id")
    listing.add_argument("--active", action="store_true", help="leave out revoked keys")
    revoke = command(sub, "revoke", keys_revoke, "revoke a key")
    revoke.add_argument("tenant_id")
    revoke.add_argument("key_id")
    revoke.add_argument("--allow-last-admin", action="store_true",
                        help="revoke even the tenant's last active admin key")

    secret = groups.add_parser("webhook-secret", help="show, rotate, retire")
    sub = secret.add_subparsers(dest="command", required=True)
    command(sub, "show", secret_show, "which secrets verify (fingerprints)").add_argument(
        "tenant_id")
    rotate = command(sub, "rotate", secret_rotate, "a new secret (shown once)")
    rotate.add_argument("tenant_id")
    rotate.add_argument("--overlap-hours", type=float,
                        help="how long the old secret keeps verifying (default 24, 0-168)")
    retire = command(sub, "retire", secret_retire, "stop older secrets verifying now")
    retire.add_argument("tenant_id")
    retire.add_argument("--fingerprint", help="just this one (default: every older secret)")
    return top


def main(argv: list[str] | None = None, clock: Clock | None = None,
         cloudformation: Any = None) -> int:
    """Exit status 0 on success; 1 with `{"error": {...}}` on stdout for a refused request
    (the API's error codes); 2 when the target cannot be resolved."""
    args = parser().parse_args(argv)
    clock = clock or SystemClock()
    try:
        target = resolve(args.stage, args.table, args.local, args.endpoint_url, args.region,
                         args.profile, cloudformation)
    except TargetError as err:
        print(str(err), file=sys.stderr)
        return 2
    try:
        result = args.func(container_for(target, clock), args, clock)
    except DomainError as err:
        print(json.dumps({"error": {"code": err.code, "message": err.message}}, indent=2))
        return 1
    except ValueError as err:  # a time without an offset
        print(json.dumps({"error": {"code": "invalid_argument", "message": str(err)}}))
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0
