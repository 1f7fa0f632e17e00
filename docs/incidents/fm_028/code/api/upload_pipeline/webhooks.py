# SAMPLE DATA — synthetic, for demonstrating fracas. Not a real service's code.
"""Webhook endpoints for the upload pipeline (LlamaParse parse results).

LlamaParse calls back once per parse job. A non-2xx answer makes LlamaParse retry the
delivery (3 retries with backoff), after which it gives up on that job.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
import uuid
from datetime import datetime, timezone
from typing import Any

import httpx
from fastapi import APIRouter, BackgroundTasks, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api.config import settings
from api.upload_pipeline.database import SessionLocal
from api.upload_pipeline.models import DocumentContent, UploadJob
from api.upload_pipeline.queue import enqueue_stage

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/upload-pipeline/webhooks", tags=["webhooks"])

# FM-027: per-request bookkeeping so the enhanced logging can report how long each
# webhook transaction stayed open. Keyed by request id.
_open_transactions: dict[str, tuple[Session, float]] = {}

INLINE_RESULT_LIMIT = 256 * 1024  # LlamaParse inlines markdown below this size


def _verify_signature(body: bytes, signature: str | None) -> bool:
    """Check the HMAC-SHA256 signature LlamaParse puts in X-LlamaParse-Signature."""
    if not signature:
        return False
    secret = settings.webhook.secret.encode()
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.removeprefix("sha256="))


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _reap_stale_transactions(max_age: float = 1800.0) -> None:
    """Drop bookkeeping entries older than max_age seconds (enhanced logging only)."""
    cutoff = time.monotonic() - max_age
    for request_id, (_session, started) in list(_open_transactions.items()):
        if started < cutoff:
            _open_transactions.pop(request_id, None)


@router.post("/llamaparse/{job_id}")
async def llamaparse_webhook(
    job_id: uuid.UUID,
    request: Request,
    background_tasks: BackgroundTasks,
    x_llamaparse_signature: str | None = Header(default=None),
):
    """Receive a LlamaParse parse result for one upload job."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:12]
    body = await request.body()
    if not _verify_signature(body, x_llamaparse_signature):
        logger.warning("[webhook] job_id=%s request_id=%s rejected: Invalid webhook signature", job_id, request_id)
        return JSONResponse(status_code=401, content={"detail": "Invalid webhook signature"})

    payload: dict[str, Any] = await request.json()
    attempt = int(request.headers.get("x-llamaparse-delivery-attempt", "1"))
    status = payload.get("status", "UNKNOWN")
    inline = payload.get("markdown") is not None
    logger.info(
        "[webhook] received job_id=%s request_id=%s status=%s attempt=%d inline=%s",
        job_id, request_id, status, attempt, inline,
    )
    _reap_stale_transactions()

    started = time.monotonic()
    session = SessionLocal()
    _open_transactions[request_id] = (session, started)
    try:
        session.begin()
        session.info["job_id"] = str(job_id)
        job = session.get(UploadJob, job_id)
        if job is None:
            session.close()
            _open_transactions.pop(request_id, None)
            logger.warning("[webhook] job_id=%s not found; ignoring", job_id)
            return JSONResponse(status_code=404, content={"detail": "job not found"})
        if job.state != "working" or job.status != "parsing":
            session.close()
            _open_transactions.pop(request_id, None)
            logger.info(
                "[webhook] job_id=%s already at state=%s status=%s; acknowledging duplicate delivery",
                job_id, job.state, job.status,
            )
            return {"ok": True, "duplicate": True}

        if status == "SUCCESS" and inline:
            _apply_inline_result(session, job, payload)
        elif status == "SUCCESS":
            await asyncio.wait_for(
                _apply_result_reference(session, job, payload),
                timeout=settings.webhook.timeout_seconds,
            )
        else:
            _apply_parse_error(session, job, payload)
        session.commit()

        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info(
            "[webhook] job_id=%s committed status=%s in %.0fms", job_id, job.status, elapsed_ms
        )
        _open_transactions.pop(request_id, None)
        session.close()
        return {"ok": True}
    except asyncio.TimeoutError:
        session.rollback()
        session.close()
        _open_transactions.pop(request_id, None)
        logger.warning(
            "[webhook] job_id=%s timed out fetching parse result after %ss",
            job_id, settings.webhook.timeout_seconds,
        )
        return JSONResponse(status_code=504, content={"detail": "parse result fetch timed out"})
    except Exception as exc:  # noqa: BLE001 - report every failure to LlamaParse as a 500
        logger.exception("[webhook] job_id=%s request_id=%s processing failed: %s", job_id, request_id, exc)
        background_tasks.add_task(_record_webhook_failure, job_id, exc)
        return JSONResponse(status_code=500, content={"detail": "webhook processing failed"})


def _apply_inline_result(session: Session, job: UploadJob, payload: dict[str, Any]) -> None:
    """SUCCESS with the markdown inline (small documents).

    FM-027: the job status is now updated inside the same transaction as the content,
    so a crash between the two can no longer leave content without a status.
    """
    markdown: str = payload["markdown"]
    job.status = "parsed"
    job.updated_at = _now()
    session.flush()
    session.add(
        DocumentContent(
            document_id=job.document_id,
            job_id=job.job_id,
            markdown=markdown,
            pages=payload.get("pages", 0),
            source="llamaparse-inline",
        )
    )
    enqueue_stage(session, job.job_id, "chunking")


async def _apply_result_reference(session: Session, job: UploadJob, payload: dict[str, Any]) -> None:
    """SUCCESS with a result_url (larger documents): fetch the markdown, then hand over to chunking."""
    result_url = payload["result_url"]
    headers = {"Authorization": f"Bearer {settings.external_services.llamaparse.api_key}"}
    async with httpx.AsyncClient(timeout=settings.external_services.llamaparse.timeout) as client:
        response = await client.get(result_url, headers=headers)
        response.raise_for_status()
    markdown = response.text
    session.add(
        DocumentContent(
            document_id=job.document_id,
            job_id=job.job_id,
            markdown=markdown,
            pages=payload.get("pages", 0),
            source="llamaparse-url",
        )
    )
    job.status = "parse_complete"
    job.last_error = None
    job.updated_at = _now()
    enqueue_stage(session, job.job_id, "chunking")


def _apply_parse_error(session: Session, job: UploadJob, payload: dict[str, Any]) -> None:
    """ERROR (or anything else): LlamaParse could not parse the document."""
    job.retry_count = (job.retry_count or 0) + 1
    job.state = "retryable" if job.retry_count < settings.webhook.max_retries else "deadletter"
    job.status = "failed"
    job.last_error = {
        "stage": "parse",
        "type": "LlamaParseError",
        "message": str(payload.get("error") or payload.get("status")),
    }
    job.updated_at = _now()


def _record_webhook_failure(job_id: uuid.UUID, exc: Exception) -> None:
    """Background task: remember why a delivery failed, dead-letter after max_retries."""
    session = SessionLocal()
    try:
        job = session.get(UploadJob, job_id)
        if job is None:
            return
        job.retry_count = (job.retry_count or 0) + 1
        job.last_error = {
            "stage": "webhook",
            "type": type(exc).__name__,
            "message": str(exc).splitlines()[0][:300],
        }
        if job.retry_count >= settings.webhook.max_retries:
            job.state = "deadletter"
            job.status = "failed"
        job.updated_at = _now()
        session.commit()
    except Exception as inner:  # noqa: BLE001
        session.rollback()
        logger.warning("[webhook] could not record failure for job_id=%s: %s", job_id, inner)
    finally:
        session.close()


@router.get("/llamaparse/{job_id}/debug")
async def llamaparse_webhook_debug(job_id: uuid.UUID):
    """FM-027: staging-only view of the webhook bookkeeping for one job."""
    if not settings.features.webhook_debug_endpoint:
        return JSONResponse(status_code=404, content={"detail": "not found"})
    open_for = [
        round(time.monotonic() - started, 1)
        for (_request_id, (session, started)) in _open_transactions.items()
        if session.info.get("job_id") == str(job_id)
    ]
    session = SessionLocal()
    try:
        job = session.get(UploadJob, job_id)
        if job is None:
            return JSONResponse(status_code=404, content={"detail": "job not found"})
        return {
            "job_id": str(job.job_id),
            "state": job.state,
            "status": job.status,
            "retry_count": job.retry_count,
            "last_error": job.last_error,
            "open_transactions_seconds": open_for,
        }
    finally:
        session.close()


@router.post("/llamaparse/{job_id}/replay")
async def replay_llamaparse_webhook(job_id: uuid.UUID, request: Request):
    """Operator tool: ask LlamaParse to deliver the result for a job again."""
    token = request.headers.get("x-admin-token")
    if not token or not hmac.compare_digest(token, settings.admin.token):
        return JSONResponse(status_code=403, content={"detail": "forbidden"})
    session = SessionLocal()
    try:
        job = session.get(UploadJob, job_id)
        if job is None:
            return JSONResponse(status_code=404, content={"detail": "job not found"})
        parse_id = request.query_params.get("parse_id") or str(job.document_id)
    finally:
        session.close()
    async with httpx.AsyncClient(timeout=settings.external_services.llamaparse.timeout) as client:
        response = await client.post(
            f"{settings.external_services.llamaparse.api_url}/api/parsing/job/{parse_id}/webhook/replay",
            headers={"Authorization": f"Bearer {settings.external_services.llamaparse.api_key}"},
        )
    logger.info("[webhook] replay requested for job_id=%s parse_id=%s: HTTP %s", job_id, parse_id, response.status_code)
    return {"ok": response.is_success, "llamaparse_status": response.status_code}


def webhook_url_for(job_id: uuid.UUID | str) -> str:
    """The callback URL the workers hand to LlamaParse for one job."""
    base = settings.webhook.base_url.rstrip("/")
    path = settings.webhook.path.strip("/")
    return f"{base}/{path}/{job_id}"


def describe_open_transactions() -> list[dict[str, Any]]:
    """FM-027 enhanced logging: the webhook transactions that are currently open."""
    now = time.monotonic()
    return [
        {"request_id": request_id, "open_seconds": round(now - started, 1)}
        for request_id, (_session, started) in sorted(_open_transactions.items(), key=lambda item: item[1][1])
    ]


def _payload_summary(payload: dict[str, Any]) -> dict[str, Any]:
    """What the enhanced logging prints about a payload (never the content itself)."""
    return {
        "status": payload.get("status"),
        "pages": payload.get("pages"),
        "inline": payload.get("markdown") is not None,
        "bytes": len(payload.get("markdown") or ""),
        "result_url": bool(payload.get("result_url")),
        "error": payload.get("error"),
    }


def _signature_for(body: bytes, secret: str) -> str:
    """Compute the signature LlamaParse would send (used by tests and the replay tool)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _job_age_seconds(job: UploadJob) -> float:
    """Seconds since the job was created (for the enhanced logging)."""
    return (_now() - job.created_at).total_seconds()


def _log_payload(job_id: uuid.UUID, payload: dict[str, Any]) -> None:
    """FM-027: one structured line per payload, at DEBUG so staging can switch it on."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("[webhook] job_id=%s payload=%s", job_id, _payload_summary(payload))
