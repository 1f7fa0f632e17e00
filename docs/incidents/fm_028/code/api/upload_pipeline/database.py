# SAMPLE DATA — synthetic, for demonstrating fracas. Not a real service's code.
"""Database engine and session factory for the upload pipeline (Supabase PostgreSQL)."""
from __future__ import annotations

import logging
from collections.abc import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.config import settings

logger = logging.getLogger(__name__)


def _make_engine() -> Engine:
    db = settings.database
    engine = create_engine(
        db.url,
        pool_size=db.pool_size,
        max_overflow=db.max_overflow,
        pool_timeout=db.pool_timeout,
        pool_recycle=db.pool_recycle,
        pool_pre_ping=True,
        connect_args={
            "application_name": f"{settings.app.name}-{settings.app.environment}",
            "connect_timeout": 10,
        },
    )
    logger.info(
        "database pool configured: pool_size=%s max_overflow=%s pool_timeout=%ss pool_recycle=%ss",
        db.pool_size, db.max_overflow, db.pool_timeout, db.pool_recycle,
    )
    return engine


engine = _make_engine()

SessionLocal = sessionmaker(bind=engine, autoflush=True, expire_on_commit=False)


@event.listens_for(engine, "checkout")
def _on_checkout(dbapi_connection, connection_record, connection_proxy) -> None:  # noqa: ARG001
    if settings.logging.log_pool_events:
        logger.debug("pool checkout: %s", engine.pool.status())


def get_db() -> Iterator[Session]:
    """FastAPI dependency: one session per request, always closed."""
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


def pool_status() -> str:
    """Human-readable pool state, e.g. for /health?verbose=1."""
    return engine.pool.status()
