"""Uploads on S3-compatible storage (MEDIA_STORAGE=s3), against a real S3 server
(moto in server mode) started on loopback: files are stored in the bucket, never
on local disk, and leave through a short-lived presigned URL after the same
access check as on disk."""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from stint.accounts.models import User
from stint.profiles import services
from stint.profiles.models import CandidateProfile

pytestmark = pytest.mark.django_db

BUCKET = "stint-media"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET)
    yield url
    server.stop()


@pytest.fixture
def s3_media(settings: Any, s3_server: str, tmp_path: Any) -> str:
    settings.MEDIA_ROOT = str(tmp_path)  # must stay empty
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": settings.STINT_MEDIA_URL_SECONDS,
                "file_overwrite": False,
            },
        },
    }
    return s3_server


def _bucket_keys(endpoint: str) -> list[str]:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_resume_is_stored_in_the_bucket_and_downloaded_by_presigned_url(
    alice: User,
    api_for: Any,
    s3_media: str,
    settings: Any,
    tmp_path: Any,
    fake_suggestions: list[dict[str, Any]],
) -> None:
    data = b"SQL and statistics, three projects"
    services.resume_upload(actor=alice, file=SimpleUploadedFile("Alice CV.txt", data, "text/plain"))
    name = CandidateProfile.objects.get(user=alice).resume.name
    assert name in _bucket_keys(s3_media)
    assert not any(tmp_path.iterdir())  # nothing on local disk

    r = api_for(alice).get(f"/api/v1/profiles/{alice.pk}/resume")
    assert r.status_code == 302 and r["Cache-Control"] == "private, no-store"
    location = r["Location"]
    assert location.startswith(s3_media) and "Signature=" in location
    expires = int(parse_qs(urlsplit(location).query)["Expires"][0])  # epoch seconds (SigV2)
    assert abs(expires - time.time() - settings.STINT_MEDIA_URL_SECONDS) < 30
    with urllib.request.urlopen(location) as fetched:  # the browser follows the redirect
        assert fetched.read() == data
        assert 'filename="Alice CV.txt"' in fetched.headers["Content-Disposition"]

    # Without the signature the bucket refuses: the file is private.
    with pytest.raises(urllib.request.HTTPError) as refused:
        urllib.request.urlopen(location.split("?", 1)[0])
    assert refused.value.code == 403


def test_others_get_no_url(
    alice: User,
    bob: User,
    api_for: Any,
    s3_media: str,
    fake_suggestions: list[dict[str, Any]],
) -> None:
    services.resume_upload(actor=alice, file=SimpleUploadedFile("cv.txt", b"SQL", "text/plain"))
    r = api_for(bob).get(f"/api/v1/profiles/{alice.pk}/resume")
    assert r.status_code in (403, 404)
    assert "Location" not in r


def test_local_disk_behind_nginx_uses_x_accel_redirect(
    alice: User,
    client_for: Any,
    settings: Any,
    fake_suggestions: list[dict[str, Any]],
) -> None:
    settings.STINT_MEDIA_ACCEL_PREFIX = "/protected-media/"
    services.resume_upload(actor=alice, file=SimpleUploadedFile("cv.txt", b"SQL", "text/plain"))
    name = CandidateProfile.objects.get(user=alice).resume.name
    r = client_for(alice).get("/profile/resume/")
    assert r.status_code == 200 and r.content == b""
    assert r["X-Accel-Redirect"] == f"/protected-media/{name}"
    assert r["Content-Disposition"] == 'attachment; filename="cv.txt"'
