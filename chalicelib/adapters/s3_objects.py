"""A tiny put-object adapter over an injected boto3 S3 client (the reports bucket)."""

from __future__ import annotations

from typing import Any


class S3Objects:
    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, key: str, body: bytes, content_type: str) -> None:
        """Write (or overwrite) one object; the bucket's default encryption applies."""
        self._client.put_object(Bucket=self._bucket, Key=key, Body=body,
                                ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        """The object's bytes, None when there is none (tests, the local runner)."""
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=key)
        except self._client.exceptions.NoSuchKey:
            return None
        body: bytes = response["Body"].read()
        return body

    def keys(self, prefix: str) -> list[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        return [o["Key"] for page in paginator.paginate(Bucket=self._bucket, Prefix=prefix)
                for o in page.get("Contents", [])]
