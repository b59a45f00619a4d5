"""Logging: Powertools' structured logger. Log ids and counts, never emails or phones."""

from __future__ import annotations

from aws_lambda_powertools import Logger

logger = Logger(service="talentloop")
