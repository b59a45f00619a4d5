"""TalentLoop: create the Chalice app and register the blueprints. Nothing else."""

from chalice import Chalice

from chalicelib.api.analytics import bp as analytics
from chalicelib.api.auth import auth
from chalicelib.api.billing import bp as billing
from chalicelib.api.call_list import bp as call_list
from chalicelib.api.catalog import bp as catalog
from chalicelib.api.catalog_reads import bp as catalog_reads
from chalicelib.api.chalice_errors import bp as chalice_errors
from chalicelib.api.chat_bot import bp as chat_bot
from chalicelib.api.console import bp as console
from chalicelib.api.extension_requests import bp as extension_requests
from chalicelib.api.invitation_reads import bp as invitation_reads
from chalicelib.api.invitations import bp as invitations
from chalicelib.api.no_show_decisions import bp as no_show_decisions
from chalicelib.api.openapi import bp as openapi
from chalicelib.api.privacy import bp as privacy
from chalicelib.api.reports import bp as reports
from chalicelib.api.self_service import bp as self_service
from chalicelib.api.session import bp as session
from chalicelib.api.talent_pool import bp as talent_pool
from chalicelib.api.templates import bp as templates
from chalicelib.api.tenant import bp as tenant
from chalicelib.api.tenant_keys import bp as tenant_keys
from chalicelib.api.vendors import bp as vendors
from chalicelib.api.webhook_endpoints import bp as webhook_endpoints
from chalicelib.api.webhooks import bp as webhooks
from chalicelib.triggers.exports import bp as exports
from chalicelib.triggers.hooks import bp as hooks
from chalicelib.triggers.imports import bp as imports
from chalicelib.triggers.pool_schedule import bp as pool_schedules
from chalicelib.triggers.retention import bp as retention
from chalicelib.triggers.schedule import bp as schedules
from chalicelib.triggers.sender import bp as sender
from chalicelib.triggers.ses_events import bp as ses_events
from chalicelib.triggers.stream import bp as stream
from chalicelib.triggers.vendor_poll import bp as vendor_poll

app = Chalice(app_name="talentloop")
for blueprint in (auth, tenant, tenant_keys, catalog, invitations, talent_pool, webhooks,
                  self_service, openapi, schedules, stream, sender, ses_events, billing, privacy,
                  retention, analytics, pool_schedules, reports, exports, imports, catalog_reads,
                  invitation_reads, console, session, no_show_decisions, extension_requests,
                  webhook_endpoints, hooks, vendors, vendor_poll, chat_bot, call_list,
                  templates, chalice_errors):
    app.register_blueprint(blueprint)
