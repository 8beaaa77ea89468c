"""Durable render jobs in SQLite: every state change is a committed row, so no job is ever lost.

A job moves queued -> running -> succeeded | failed | cancelled. Render processes write their own progress
into the same database (WAL mode lets the server read while they write).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "queued", "running", "succeeded", "failed", "cancelled"
FINAL_STATES = (SUCCEEDED, FAILED, CANCELLED)
RENDER, PREVIEW = "render", "preview"  # what a job makes: the video, or preview.py's draft and storyboard
MAX_ATTEMPTS = 2  # a job whose render was cut off (server killed) is re-run once, then reported failed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    request TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'render',
    owner TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT '',
    script TEXT,
    video TEXT,
    error TEXT,
    timings TEXT,
    emotion TEXT,
    warnings TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, created);
"""
# columns added since the first databases were made: ALTER TABLE adds them to an older file on open
_ADDED_COLUMNS = {"emotion": "TEXT", "kind": "TEXT NOT NULL DEFAULT 'render'", "warnings": "TEXT"}


@dataclass(frozen=True)
class Job:
    """One row of the job table."""

    id: str
    request: dict[str, Any]
    kind: str  # RENDER or PREVIEW
    owner: str
    state: str
    progress: float
    stage: str
    script: str | None
    video: str | None
    error: str | None
    timings: dict[str, float] | None
    emotion: dict[str, str] | None  # the emotion performed and why (detected or requested)
    warnings: list[str]  # what the user should know about a finished video (a fallback script, a short one)
    attempts: int
    cancel_requested: bool
    created: float
    updated: float

    @property
    def finished(self) -> bool:
        return self.state in FINAL_STATES


def _job(row: sqlite3.Row) -> Job:
    return Job(row["id"], json.loads(row["request"]), row["kind"], row["owner"], row["state"], row["progress"],
               row["stage"], row["script"], row["video"], row["error"],
               json.loads(row["timings"]) if row["timings"] else None,
               json.loads(row["emotion"]) if row["emotion"] else None,
               json.loads(row["warnings"]) if row["warnings"] else [], row["attempts"], bool(row["cancel_requested"]),
               row["created"], row["updated"])


class JobStore:
    """The job table of one SQLite file; safe to use from several threads and processes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(jobs)")}
            for name, declaration in _ADDED_COLUMNS.items():
                if name not in columns:
                    db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {declaration}")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        return db

    def _write(self, sql: str, args: tuple = ()) -> int:
        with closing(self._connect()) as db:
            return db.execute(sql, args).rowcount

    def create(self, request: dict[str, Any], owner: str = "", kind: str = RENDER) -> Job:
        """Queue a new job (RENDER or PREVIEW) for a validated request (API field names)."""
        now = time.time()
        job_id = uuid.uuid4().hex
        self._write("INSERT INTO jobs (id, request, kind, owner, state, created, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", (job_id, json.dumps(request), kind, owner, QUEUED, now, now))
        return self.get(job_id)

    def get(self, job_id: str) -> Job | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def list(self, offset: int = 0, limit: int = 20, owner: str | None = None) -> tuple[list[Job], int]:
        """A page of jobs, newest first, and the total count."""
        where, args = ("WHERE owner = ?", (owner,)) if owner is not None else ("", ())
        with closing(self._connect()) as db:
            rows = db.execute(f"SELECT * FROM jobs {where} ORDER BY created DESC LIMIT ? OFFSET ?",
                              (*args, limit, offset)).fetchall()
            total = db.execute(f"SELECT COUNT(*) FROM jobs {where}", args).fetchone()[0]
        return [_job(row) for row in rows], total

    def in_state(self, state: str) -> list[Job]:
        """Every job in ``state``, oldest first."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM jobs WHERE state = ? ORDER BY created", (state,)).fetchall()
        return [_job(row) for row in rows]

    def count_waiting(self, owner: str) -> int:
        with closing(self._connect()) as db:
            return db.execute("SELECT COUNT(*) FROM jobs WHERE owner = ? AND state IN (?, ?)",
                              (owner, QUEUED, RUNNING)).fetchone()[0]

    def claim_next(self) -> Job | None:
        """Atomically move the oldest queued job to running and return it."""
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT id FROM jobs WHERE state = ? ORDER BY created LIMIT 1", (QUEUED,)).fetchone()
            if row is None:
                db.execute("COMMIT")
                return None
            db.execute("UPDATE jobs SET state = ?, attempts = attempts + 1, progress = 0, stage = '', updated = ? "
                       "WHERE id = ?", (RUNNING, time.time(), row["id"]))
            db.execute("COMMIT")
        return self.get(row["id"])

    def report(self, job_id: str, stage: str, progress: float) -> bool:
        """Record progress of a running job; False when the job should stop (cancelled or no longer running)."""
        self._write("UPDATE jobs SET stage = ?, progress = ?, updated = ? WHERE id = ? AND state = ?",
                    (stage, progress, time.time(), job_id, RUNNING))
        job = self.get(job_id)
        return job is not None and job.state == RUNNING and not job.cancel_requested

    def succeed(self, job_id: str, script: str, video: str, timings: dict[str, float],
                emotion: dict[str, str] | None = None, warnings: list[str] | None = None) -> None:
        self._write("UPDATE jobs SET state = ?, progress = 1, stage = 'done', script = ?, video = ?, timings = ?, "
                    "emotion = ?, warnings = ?, updated = ? WHERE id = ? AND state = ?",
                    (SUCCEEDED, script, video, json.dumps(timings), json.dumps(emotion) if emotion else None,
                     json.dumps(warnings) if warnings else None, time.time(), job_id, RUNNING))

    def fail(self, job_id: str, error: str) -> None:
        self._write("UPDATE jobs SET state = ?, error = ?, updated = ? WHERE id = ? AND state IN (?, ?)",
                    (FAILED, error, time.time(), job_id, QUEUED, RUNNING))

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a queued job at once; ask a running one to stop (its render process ends it)."""
        now = time.time()
        self._write("UPDATE jobs SET state = ?, error = 'cancelled', updated = ? WHERE id = ? AND state = ?",
                    (CANCELLED, now, job_id, QUEUED))
        self._write("UPDATE jobs SET cancel_requested = 1, updated = ? WHERE id = ? AND state = ?",
                    (now, job_id, RUNNING))
        return self.get(job_id)

    def mark_cancelled(self, job_id: str) -> None:
        self._write("UPDATE jobs SET state = ?, error = 'cancelled', updated = ? WHERE id = ? AND state = ?",
                    (CANCELLED, time.time(), job_id, RUNNING))

    def recover(self) -> list[str]:
        """After a restart: re-queue jobs that were running (or fail them after MAX_ATTEMPTS). Returns their ids."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT id, attempts, cancel_requested FROM jobs WHERE state = ?", (RUNNING,)).fetchall()
        for row in rows:
            if row["cancel_requested"]:
                self.mark_cancelled(row["id"])
            elif row["attempts"] >= MAX_ATTEMPTS:
                self.fail(row["id"], f"the server stopped during the render {row['attempts']} times; giving up")
            else:
                self._write("UPDATE jobs SET state = ?, stage = 'requeued after restart', progress = 0, updated = ? "
                            "WHERE id = ? AND state = ?", (QUEUED, time.time(), row["id"], RUNNING))
        return [row["id"] for row in rows]

    def expired(self, before: float) -> list[Job]:
        """Finished jobs last updated before ``before`` (epoch seconds)."""
        with closing(self._connect()) as db:
            rows = db.execute(f"SELECT * FROM jobs WHERE state IN ({','.join('?' * len(FINAL_STATES))}) "
                              "AND updated < ?", (*FINAL_STATES, before)).fetchall()
        return [_job(row) for row in rows]

    def delete(self, job_id: str) -> None:
        self._write("DELETE FROM jobs WHERE id = ?", (job_id,))
