"""Secrets Manager secrets named in the definition, generated at deploy time.

The value never appears in the template, an environment variable or a log: functions get
the secret's ARN and read the value at run time (see DEPLOY.md for what is stored where
and how to rotate it).
"""

from __future__ import annotations

from aws_cdk import aws_kms, aws_secretsmanager
from constructs import Construct

from infra.definition import RESOURCES, SecretDef
from infra.stack.settings import StageSettings


class Secrets(Construct):
    """`by_name`: logical name -> secret, for every `SecretDef` in the definition."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings,
                 key: aws_kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.by_name: dict[str, aws_secretsmanager.Secret] = {}
        self.definitions: dict[str, SecretDef] = {}
        for spec in RESOURCES.secrets:
            self.definitions[spec.logical_name] = spec
            self.by_name[spec.logical_name] = aws_secretsmanager.Secret(
                self, _construct_id(spec.logical_name),
                secret_name=spec.physical_name(settings.stage),
                description=f"TalentLoop {settings.stage}: {spec.logical_name}",
                encryption_key=key,
                generate_secret_string=aws_secretsmanager.SecretStringGenerator(
                    password_length=64, exclude_punctuation=True),
                removal_policy=settings.removal_policy,
            )

    def arns(self) -> dict[str, str]:
        return {name: secret.secret_arn for name, secret in self.by_name.items()}


def _construct_id(logical_name: str) -> str:
    return "".join(part.capitalize() for part in logical_name.split("-"))
