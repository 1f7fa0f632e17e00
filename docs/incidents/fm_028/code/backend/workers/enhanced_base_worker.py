# SAMPLE DATA — synthetic, for demonstrating fracas. Not a real service's code.
"""Enhanced worker: submits claimed jobs to LlamaParse with a per-job webhook URL."""
from __future__ import annotations

import logging
import time

import httpx
from sqlalchemy.orm import Session

from backend.config import settings
from backend.workers.base_worker import BaseWorker, ClaimedJob

logger = logging.getLogger("backend.workers.enhanced_base_worker")


class EnhancedBaseWorker(BaseWorker):
    """Adds LlamaParse submission with webhooks (FM-019) and request timing (FM-027)."""

    def __init__(self) -> None:
        super().__init__()
        self.http = httpx.Client(timeout=settings.external_services.llamaparse.timeout)

    def webhook_url(self, job_id) -> str:
        """https://<base_url>/<path>/<job_id>; base_url comes from the environment's config."""
        base = settings.webhook.base_url.rstrip("/")
        path = settings.webhook.path.strip("/")
        return f"{base}/{path}/{job_id}"

    def submit_for_parsing(self, session: Session, job: ClaimedJob) -> None:
        webhook_url = self.webhook_url(job.job_id)
        logger.info(
            "Submitting job %s (document %s) to LlamaParse with webhook_url=%s",
            job.job_id, job.document_id, webhook_url,
        )
        started = time.monotonic()
        response = self.http.post(
            f"{settings.external_services.llamaparse.api_url}/api/parsing/upload",
            headers={"Authorization": f"Bearer {settings.external_services.llamaparse.api_key}"},
            data={"webhook_url": webhook_url, "result_type": "markdown"},
            files={"file": self.fetch_document(job.document_id)},
        )
        response.raise_for_status()
        parse_id = response.json()["id"]
        self.set_status(session, job.job_id, "parsing")
        logger.info(
            "LlamaParse accepted job %s as parse %s in %.0fms",
            job.job_id, parse_id, (time.monotonic() - started) * 1000,
        )

    def fetch_document(self, document_id) -> tuple[str, bytes, str]:
        response = self.http.get(f"{settings.storage.base_url}/documents/{document_id}/raw")
        response.raise_for_status()
        return (f"{document_id}.pdf", response.content, "application/pdf")
