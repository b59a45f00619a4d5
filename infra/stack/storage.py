"""The reports bucket (exports) and the bucket that receives its access logs.

Exports are re-creatable from the table, so they expire; old versions are kept a short
while so an overwrite or a delete can be undone. Access logs go to a separate bucket
because S3 cannot log a bucket into itself without logging its own log writes.
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, aws_kms, aws_s3
from constructs import Construct

from infra.definition import RESOURCES
from infra.stack.settings import StageSettings

ACCESS_LOGS_EXPIRE_DAYS = 365


class Storage(Construct):
    """`reports` (KMS, versioned, private, TLS only, lifecycle) and `access_logs`."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings,
                 key: aws_kms.IKey) -> None:
        super().__init__(scope, construct_id)
        spec = RESOURCES.reports_bucket
        # Bucket names are global: the account and region make the definition's name unique.
        unique = f"{Aws.ACCOUNT_ID}-{Aws.REGION}"
        self.access_logs = aws_s3.Bucket(
            self, "AccessLogs",
            bucket_name=f"{spec.physical_name(settings.stage)}-logs-{unique}",
            # S3 server access logging can only write to SSE-S3 buckets.
            encryption=aws_s3.BucketEncryption.S3_MANAGED,
            block_public_access=aws_s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=aws_s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[aws_s3.LifecycleRule(
                id="expire-access-logs",
                expiration=Duration.days(ACCESS_LOGS_EXPIRE_DAYS),
                noncurrent_version_expiration=Duration.days(spec.noncurrent_expire_days),
            )],
            removal_policy=settings.removal_policy,
        )
        self.reports = aws_s3.Bucket(
            self, "Reports",
            bucket_name=f"{spec.physical_name(settings.stage)}-{unique}",
            encryption=aws_s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,  # one KMS call per bucket key, not per object
            block_public_access=aws_s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=aws_s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="reports/",
            lifecycle_rules=[
                aws_s3.LifecycleRule(
                    id="expire-exports",
                    prefix=spec.exports_prefix,
                    expiration=Duration.days(spec.exports_expire_days),
                ),
                aws_s3.LifecycleRule(
                    id="expire-uploads",  # personal data: docs/import-and-privacy.md
                    prefix=spec.uploads_prefix,
                    expiration=Duration.days(spec.uploads_expire_days),
                    noncurrent_version_expiration=Duration.days(
                        spec.uploads_noncurrent_expire_days),
                ),
                aws_s3.LifecycleRule(
                    id="expire-old-versions",
                    noncurrent_version_expiration=Duration.days(spec.noncurrent_expire_days),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                ),
            ],
            removal_policy=settings.removal_policy,
        )
