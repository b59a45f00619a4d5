"""Export objects in the reports bucket: multipart uploads and expiring download links.

An object written in parts exists only once CompleteMultipartUpload succeeds; until then
there is nothing to download, and an aborted upload leaves nothing behind (the bucket's
lifecycle also aborts uploads left incomplete for 7 days, e.g. by a killed worker).
"""

from __future__ import annotations

from typing import Any


class S3MultipartUpload:
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


class S3ExportObjects:
    """`client` must sign with SigV4 (KMS-encrypted objects refuse other signatures)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def start(self, key: str, content_type: str) -> S3MultipartUpload:
        return S3MultipartUpload(self._client, self._bucket, key, content_type)

    def link(self, key: str, filename: str, expires_s: int) -> str:
        return str(self._client.generate_presigned_url(
            "get_object", ExpiresIn=expires_s,
            Params={"Bucket": self._bucket, "Key": key,
                    "ResponseContentDisposition": f'attachment; filename="{filename}"'}))
