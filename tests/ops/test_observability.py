"""Structured JSON logs, request ids, and /metrics in the Prometheus text format."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest
from django.test import Client

from stint.core import metrics
from stint.ops.logs import JsonFormatter, RequestIdFilter, request_id_var
from stint.ops.tasks import ping


@pytest.fixture(autouse=True)
def fresh_metrics() -> None:
    metrics.reset()


def test_json_formatter_writes_one_object_with_the_request_id() -> None:
    token = request_id_var.set("req-123")
    try:
        record = logging.LogRecord(
            "stint.x", logging.WARNING, __file__, 1, "hello %s", ("you",), None
        )
        record.order_id = 7  # passed with extra=
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    data = json.loads(line)
    assert data["message"] == "hello you"
    assert data["level"] == "WARNING" and data["logger"] == "stint.x"
    assert data["request_id"] == "req-123"
    assert data["order_id"] == 7
    assert "\n" not in line


def test_json_formatter_keeps_exceptions() -> None:
    token = request_id_var.set("-")  # outside any request
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    try:
        data = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert "ValueError: boom" in data["exc_info"]
    assert data["request_id"] == "-"


def test_logging_settings_put_request_ids_on_the_console_handler(settings: Any) -> None:
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["request_id"]
    assert settings.LOGGING["formatters"]["json"]["()"] == "stint.ops.logs.JsonFormatter"


@pytest.mark.django_db
def test_request_id_is_generated_echoed_and_in_every_log_record() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        given = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="abc-123.x")
        made = Client().get("/no-such-page/")
    finally:
        logger.removeHandler(handler)
    assert given["X-Request-ID"] == "abc-123.x"
    assert re.fullmatch(r"[0-9a-f]{32}", made["X-Request-ID"])
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [r["request_id"] for r in records] == ["abc-123.x", made["X-Request-ID"]]
    assert all(r["message"].startswith("Not Found") for r in records)
    assert request_id_var.get() == "-"  # reset after the request


@pytest.mark.django_db
def test_a_bad_request_id_header_is_replaced() -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_metrics_latency_by_route_name_and_status() -> None:
    client = Client()
    assert client.get("/healthz").status_code == 200
    client.get("/no-such-page/")
    body = client.get("/metrics").content.decode()
    assert "# TYPE stint_http_request_duration_seconds histogram" in body
    assert re.search(
        r'stint_http_request_duration_seconds_count\{method="GET",route="healthz",status="200"\} 1',
        body,
    )
    assert 'route="unresolved",status="404"' in body
    assert re.search(r'le="\+Inf"', body)


@pytest.mark.django_db
def test_metrics_is_refused_through_a_proxy_and_needs_the_token_when_set(settings: Any) -> None:
    client = Client()
    assert client.get("/metrics").status_code == 200  # 127.0.0.1, direct
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token", REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/plain; version=0.0.4")


@pytest.mark.django_db
def test_metrics_task_queue_depth_and_oldest_age(db_tasks: None) -> None:
    ping.enqueue("a")
    ping.enqueue("b")
    body = Client().get("/metrics").content.decode()
    assert re.search(r'stint_task_queue_depth\{backend="default",queue="default"\} 2(\.0)?\n', body)
    age = re.search(
        r'stint_task_queue_oldest_age_seconds\{backend="default",queue="default"\} ([0-9.e-]+)',
        body,
    )
    assert age and 0 <= float(age.group(1)) < 60


@pytest.mark.django_db
def test_metrics_matching_latency_and_payment_failures(alice: Any) -> None:
    from stint.matching.recommend import recommendations_for

    recommendations_for(alice)
    metrics.payment_failed(provider="sandbox", operation="payout")
    body = metrics.render()
    assert re.search(r'stint_matching_seconds_count\{operation="recommendations"\} 1', body)
    assert re.search(
        r'stint_payment_failures_total\{operation="payout",provider="sandbox"\} 1',
        body,
    )
