"""A real S3-compatible server for the tests: moto's server mode on a free loopback port.

Used by the S3 storage tests (tests/documents/test_s3_*.py) and the two-server test
(tests/site/test_two_servers.py). moto comes with the test extras (`make install`); without
it these tests skip, saying so.
"""

import contextlib
from collections.abc import Iterator

import boto3
import pytest
from django.conf import settings

from tests.servers import free_port

try:
    from moto.server import ThreadedMotoServer
except ImportError:  # pragma: no cover - installed by `make install`
    ThreadedMotoServer = None

REGION = "us-east-1"
# moto accepts any key; boto3 needs one to sign with.
ACCESS_KEY = "moto-test-key"
SECRET_KEY = "moto-test-secret"


@contextlib.contextmanager
def s3_server() -> Iterator[str]:
    """Start moto's S3 server; yield its address (http://127.0.0.1:PORT)."""
    if ThreadedMotoServer is None:
        pytest.skip("moto is not installed (`make install` adds it): no S3 server to test against")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def create_bucket(endpoint: str, name: str) -> str:
    client(endpoint).create_bucket(Bucket=name)
    return name


def keys(endpoint: str, bucket: str) -> list[str]:
    """Every object's key in the bucket, sorted."""
    listing = client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def environment(endpoint: str, bucket: str) -> dict[str, str]:
    """The settings' environment variables for a site keeping its media in this bucket."""
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }


def storages(endpoint: str, bucket: str, **options) -> dict:
    """settings.STORAGES with the default storage in the bucket, as base.py makes it."""
    default = {
        "BACKEND": "documents.s3_storage.S3UploadStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            **settings.S3_STORAGE_OPTIONS,
            **options,
        },
    }
    return {**settings.STORAGES, "default": default}
