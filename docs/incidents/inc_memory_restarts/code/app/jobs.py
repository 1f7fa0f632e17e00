# SAMPLE DATA — synthetic, for demonstrating fracas. Not a real service's code.
"""Quote PDF rendering jobs, run in-process by a small thread pool."""
from __future__ import annotations

import io
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import psutil
import structlog
from sqlalchemy import text
from weasyprint import HTML

from app.config import settings
from app.db import engine
from app.storage import upload_pdf
from app.templates import render_quote_html

log = structlog.get_logger("quote_renderer.jobs")

_executor = ThreadPoolExecutor(max_workers=settings.renderer.max_concurrent_jobs, thread_name_prefix="render")
_font_cache: dict[str, bytes] = {}


def _rss_mb() -> int:
    return int(psutil.Process().memory_info().rss / (1024 * 1024))


def _set(job_id: uuid.UUID, **values) -> None:
    assignments = ", ".join(f"{key} = :{key}" for key in values)
    with engine.begin() as conn:
        conn.execute(
            text(f"UPDATE public.quote_jobs SET {assignments}, heartbeat_at = now() WHERE job_id = :job_id"),
            {"job_id": job_id, **values},
        )


def submit(job_id: uuid.UUID, quote_number: str) -> None:
    """Called by POST /api/quotes/{quote_number}/render after the row is inserted (state 'queued')."""
    _executor.submit(run, job_id, quote_number)


def _heartbeat(job_id: uuid.UUID, stop: threading.Event) -> None:
    while not stop.wait(settings.renderer.heartbeat_seconds):
        _set(job_id)


def run(job_id: uuid.UUID, quote_number: str) -> None:
    started = time.monotonic()
    stop = threading.Event()
    threading.Thread(target=_heartbeat, args=(job_id, stop), daemon=True).start()
    try:
        _set(job_id, state="rendering", phase="layout", attempts=1)
        html, pages = render_quote_html(quote_number, fonts=_font_cache)
        log.info("render started", job_id=str(job_id), quote_number=quote_number, pages=pages, rss_mb=_rss_mb())
        _set(job_id, phase="pdf")
        document = HTML(string=html, base_url=settings.renderer.asset_base_url).render()
        buffer = io.BytesIO()
        document.write_pdf(buffer, optimize_images=settings.renderer.optimize_images)
        _set(job_id, phase="upload")
        url = upload_pdf(quote_number, buffer.getvalue())
        _set(job_id, state="ready", phase="done", error=None)
        log.info(
            "render finished",
            job_id=str(job_id),
            quote_number=quote_number,
            pages=pages,
            duration_ms=int((time.monotonic() - started) * 1000),
            rss_mb=_rss_mb(),
            url=url,
        )
    except MemoryError as exc:
        _set(job_id, state="failed", error=f"MemoryError: {exc}")
        log.error("render failed", job_id=str(job_id), quote_number=quote_number, rss_mb=_rss_mb(), exc_info=True)
    except Exception as exc:  # noqa: BLE001
        _set(job_id, state="failed", error=f"{type(exc).__name__}: {exc}")
        log.error("render failed", job_id=str(job_id), quote_number=quote_number, exc_info=True)
    finally:
        stop.set()


def process_stats() -> dict[str, int]:
    """Logged every 5 minutes by the scheduler in app.main."""
    return {"rss_mb": _rss_mb(), "font_cache_entries": len(_font_cache), "threads": threading.active_count()}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
