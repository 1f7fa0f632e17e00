# SAMPLE DATA — synthetic, for demonstrating fracas. Not a real service's code.
"""Base worker: claims upload jobs and runs the pipeline stages after parsing."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from openai import APITimeoutError, OpenAI
from sqlalchemy import text
from sqlalchemy.orm import Session

from backend.config import settings
from backend.db import SessionLocal

logger = logging.getLogger("backend.workers.base_worker")

CLAIM_SQL = text(
    """
    UPDATE upload_pipeline.upload_jobs
       SET state = 'working', updated_at = now()
     WHERE job_id = (
        SELECT job_id FROM upload_pipeline.upload_jobs
         WHERE state = 'queued'
         ORDER BY created_at
         LIMIT 1
         FOR UPDATE SKIP LOCKED)
    RETURNING job_id, document_id, status
    """
)


@dataclass
class ClaimedJob:
    job_id: uuid.UUID
    document_id: uuid.UUID
    status: str


class BaseWorker:
    """Polls the job table; subclasses implement submit_for_parsing()."""

    poll_interval = 2.0

    def __init__(self) -> None:
        self.openai = OpenAI(api_key=settings.external_services.openai.api_key, timeout=30.0)

    def claim(self, session: Session) -> ClaimedJob | None:
        row = session.execute(CLAIM_SQL).first()
        session.commit()
        return ClaimedJob(*row) if row else None

    def set_status(self, session: Session, job_id: uuid.UUID, status: str, state: str = "working") -> None:
        session.execute(
            text(
                "UPDATE upload_pipeline.upload_jobs SET status = :status, state = :state, updated_at = now() "
                "WHERE job_id = :job_id"
            ),
            {"status": status, "state": state, "job_id": job_id},
        )
        session.commit()

    def run_forever(self) -> None:
        logger.info("worker started (concurrency=%s)", settings.workers.concurrency)
        while True:
            with SessionLocal() as session:
                job = self.claim(session)
                if job is None:
                    self.continue_parsed(session)
                    time.sleep(self.poll_interval)
                    continue
                self.submit_for_parsing(session, job)

    def submit_for_parsing(self, session: Session, job: ClaimedJob) -> None:
        raise NotImplementedError

    def continue_parsed(self, session: Session) -> None:
        """Pick up jobs whose parse result arrived (status parse_complete) and finish them."""
        rows = session.execute(
            text(
                "SELECT job_id, document_id FROM upload_pipeline.upload_jobs "
                "WHERE state = 'working' AND status = 'parse_complete' ORDER BY updated_at LIMIT 5"
            )
        ).all()
        for job_id, document_id in rows:
            self.process_parsed(session, job_id, document_id)

    def process_parsed(self, session: Session, job_id: uuid.UUID, document_id: uuid.UUID) -> None:
        started = time.monotonic()
        self.set_status(session, job_id, "chunking")
        chunks = self.chunk(session, document_id)
        self.set_status(session, job_id, "embedding")
        self.embed(session, job_id, chunks)
        self.set_status(session, job_id, "complete", state="done")
        logger.info(
            "Job %s complete: %d chunks embedded in %.1fs", job_id, len(chunks), time.monotonic() - started
        )

    def chunk(self, session: Session, document_id: uuid.UUID) -> list[str]:
        markdown = session.execute(
            text("SELECT markdown FROM upload_pipeline.document_content WHERE document_id = :d"),
            {"d": document_id},
        ).scalar_one()
        size = settings.workers.chunk_size
        return [markdown[i : i + size] for i in range(0, len(markdown), size)]

    def embed(self, session: Session, job_id: uuid.UUID, chunks: list[str]) -> None:
        for attempt in range(1, 4):
            try:
                response = self.openai.embeddings.create(
                    model=settings.external_services.openai.embedding_model, input=chunks
                )
                break
            except APITimeoutError:
                logger.warning("Embedding request for job %s timed out (attempt %d/3)", job_id, attempt, exc_info=True)
                if attempt == 3:
                    raise
                time.sleep(2**attempt)
        self.store_vectors(session, job_id, [item.embedding for item in response.data])

    def store_vectors(self, session: Session, job_id: uuid.UUID, vectors: list[list[float]]) -> None:
        session.execute(
            text("INSERT INTO upload_pipeline.document_vectors (job_id, ordinal, embedding) VALUES (:j, :o, :e)"),
            [{"j": job_id, "o": i, "e": v} for i, v in enumerate(vectors)],
        )
        session.commit()

    def describe(self) -> dict[str, Any]:
        return {"worker": type(self).__name__, "poll_interval": self.poll_interval}
