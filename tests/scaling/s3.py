"""A local S3-compatible server for the tests: moto's, in a thread of the test process.

Each test gets a bucket of its own and the portal's default storage pointed at it, built by
the same `coalition.settings.s3_storage` that reads the STORAGE_S3_* variables in production.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest

from coalition.settings import s3_storage

REGION = "us-east-1"
# moto accepts any key; these are not secrets.
ACCESS_KEY = "coalition-test-key"
SECRET_KEY = "coalition-test-secret"
PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: object

    def object_keys(self) -> list[str]:
        answer = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in answer.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def public_url(self, key: str) -> str:
        """Where the object would be if it were public (path-style, no signature)."""
        return f"{self.endpoint}/{self.name}/{key}"

    def public_grants(self, key: str) -> list[dict]:
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GRANTEES]

    def environment(self) -> dict[str, str]:
        """The variables an operator sets to use this bucket."""
        return {
            "STORAGE_S3_BUCKET": self.name,
            "STORAGE_S3_ENDPOINT_URL": self.endpoint,
            "STORAGE_S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    # One log line per request the portal makes: only problems are worth reading.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def new_bucket(endpoint: str) -> Bucket:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    name = f"coalition-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    return Bucket(name=name, endpoint=endpoint, client=client)


@pytest.fixture
def bucket(s3_endpoint, settings) -> Bucket:
    """A new private bucket, and the portal's default storage in it (not MEDIA_ROOT)."""
    bucket = new_bucket(s3_endpoint)
    storage = s3_storage(bucket.environment())
    # boto3 would read these from the environment; a test must not change os.environ.
    storage["OPTIONS"].update(access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return bucket
