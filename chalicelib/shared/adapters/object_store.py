"""The reports bucket, the one S3 adapter: stream an object's lines, write a file or bytes,
read, list, head, multipart uploads (exports) and expiring download links (exports, billing
statements). Imports, the change feed, campaign summaries, exports and statements share it.

An object written in parts exists only once CompleteMultipartUpload succeeds; until then
there is nothing to download, and an aborted upload leaves nothing behind (the bucket's
lifecycle also aborts uploads left incomplete for 7 days, e.g. by a killed worker). Links
must be signed with SigV4 (KMS-encrypted objects refuse other signatures): bootstrap.py
gives the store that makes links a SigV4 client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

CHUNK = 256 * 1024
DEFAULT_LINK_SECONDS = 900  # presigned links expire after 15 minutes


class ObjectChanged(Exception):
    """The object was replaced since it was looked at (its ETag no longer matches)."""


class MultipartUpload:
    def __init__(self, client: Any, bucket: str, key: str, content_type: str) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        started = client.create_multipart_upload(Bucket=bucket, Key=key,
                                                 ContentType=content_type)
        self._upload_id = str(started["UploadId"])
        self._parts: list[dict[str, Any]] = []

    def upload_part(self, number: int, data: bytes) -> None:
        response = self._client.upload_part(Bucket=self._bucket, Key=self._key,
                                            UploadId=self._upload_id, PartNumber=number,
                                            Body=data)
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})

    def complete(self) -> None:
        self._client.complete_multipart_upload(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts})

    def abort(self) -> None:
        self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._key,
                                            UploadId=self._upload_id)


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

    def start(self, key: str, content_type: str) -> MultipartUpload:
        """Begin a multipart upload (exports: written in parts, visible once complete)."""
        return MultipartUpload(self._s3, self._bucket, key, content_type)

    def link(self, key: str, filename: str | None = None,
             expires_s: int = DEFAULT_LINK_SECONDS) -> str:
        """An expiring download link; with `filename`, the download is saved under it."""
        params = {"Bucket": self._bucket, "Key": key}
        if filename is not None:
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        return str(self._s3.generate_presigned_url("get_object", ExpiresIn=expires_s,
                                                   Params=params))
