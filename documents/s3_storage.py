"""The site's storage in an S3-compatible bucket (django-storages on boto3).

Chosen by the settings when AWS_STORAGE_BUCKET_NAME is set. A module of its own, so that a
site keeping its files on disk never loads boto3 (some 35 MB in every process). An upload to
a bucket is all or nothing (boto3 aborts a failed multipart upload), and its writes are
recorded like the disk's (documents.storage.recording_writes).
"""

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from documents.storage import record_write


class BucketBody:
    """S3's streamed answer, as FileResponse reads it: read() and close() only (no fileno(),
    so a server never tries sendfile() on a socket it does not own)."""

    def __init__(self, body):
        self.body = body

    def read(self, size: int = -1) -> bytes:
        return self.body.read(None if size < 0 else size)

    def close(self) -> None:
        self.body.close()


class S3UploadStorage(S3Storage):
    remote = True  # documents.storage.is_remote

    def _save(self, name, content):
        name = super()._save(name, content)
        record_write(name)
        return name

    def signed_url(
        self,
        name: str,
        *,
        content_type: str,
        disposition: str | None,
        cache_control: str,
        seconds: int,
    ) -> str:
        """An address at the bucket that sends the file, with these headers, for `seconds`."""
        parameters = {
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
            "ResponseCacheControl": cache_control,
        }
        present = {key: value for key, value in parameters.items() if value}
        return self.url(name, parameters=present, expire=seconds)

    def open_range(self, name: str, start: int, end: int) -> BucketBody:
        """Bytes start to end (inclusive) of the file, streamed as S3 sends them (one GET)."""
        # django-storages' own rule for a name's key in the bucket (AWS_LOCATION in front).
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.connection.meta.client.get_object(
                Bucket=self.bucket_name, Key=key, Range=f"bytes={start}-{end}"
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(name) from error
            raise
        return BucketBody(answer["Body"])
