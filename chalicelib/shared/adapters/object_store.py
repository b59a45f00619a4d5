"""The reports bucket: stream an object's lines, write a file or bytes, read, list, head.

One adapter for every plain object use (imports, the change feed, campaign summaries);
exports' multipart uploads and presigned links have their own (`s3_exports.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

CHUNK = 256 * 1024


class ObjectChanged(Exception):
    """The object was replaced since it was looked at (its ETag no longer matches)."""


class ObjectStore:
    def __init__(self, client: Any, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def etag(self, key: str) -> str | None:
        """The object's ETag, or None when there is no such object."""
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=key)
        except self._s3.exceptions.ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return str(head["ETag"]).strip('"')

    def lines(self, key: str, etag: str | None = None) -> Iterator[bytes]:
        """The object's lines with their line ends, read in 256 KiB chunks: memory stays
        bounded by the longest line, whatever the object's size. With `etag`, only that
        version: a replaced object raises ObjectChanged."""
        extra = {"IfMatch": f'"{etag}"'} if etag else {}
        try:
            body = self._s3.get_object(Bucket=self._bucket, Key=key, **extra)["Body"]
        except self._s3.exceptions.ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                raise ObjectChanged(key) from err
            raise
        pending = b""
        try:
            for chunk in body.iter_chunks(CHUNK):
                pending += chunk
                lines = pending.splitlines(keepends=True)
                pending = lines.pop() if lines and not lines[-1].endswith((b"\n", b"\r")) \
                    else b""
                yield from lines
            if pending:
                yield pending
        finally:
            body.close()

    def put_file(self, key: str, file: IO[bytes], content_type: str) -> None:
        file.seek(0)
        self._s3.upload_fileobj(file, self._bucket, key,
                                ExtraArgs={"ContentType": content_type})

    def put(self, key: str, body: bytes, content_type: str) -> None:
        """Write (or overwrite) one object; the bucket's default encryption applies."""
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        """The object's bytes, None when there is none (tests, the local runner)."""
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=key)
        except self._s3.exceptions.NoSuchKey:
            return None
        body: bytes = response["Body"].read()
        return body

    def keys(self, prefix: str) -> list[str]:
        paginator = self._s3.get_paginator("list_objects_v2")
        return [o["Key"] for page in paginator.paginate(Bucket=self._bucket, Prefix=prefix)
                for o in page.get("Contents", [])]
