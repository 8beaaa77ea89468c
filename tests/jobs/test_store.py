import json
import sqlite3

from reelforge.jobs.store import (CANCELLED, FAILED, MAX_ATTEMPTS, PREVIEW, QUEUED, RENDER, RUNNING, SUCCEEDED,
                                  JobStore)


def test_jobs_are_claimed_oldest_first_and_finish_with_their_results(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    first, second = store.create({"text": "a"}), store.create({"text": "b"})
    assert first.state == QUEUED and first.request == {"text": "a"}
    claimed = store.claim_next()
    assert claimed.id == first.id and claimed.state == RUNNING and claimed.attempts == 1
    assert store.report(first.id, "frames", 0.5)
    assert store.get(first.id).progress == 0.5 and store.get(first.id).stage == "frames"
    store.succeed(first.id, "the script", f"{first.id}.mp4", {"frames": 1.0})
    done = store.get(first.id)
    assert (done.state, done.progress, done.script, done.timings) == (SUCCEEDED, 1.0, "the script", {"frames": 1.0})
    assert store.claim_next().id == second.id and store.claim_next() is None
    jobs, total = store.list(limit=1)
    assert total == 2 and [job.id for job in jobs] == [second.id]


def test_cancel_stops_queued_jobs_at_once_and_running_jobs_through_their_render(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    queued, running = store.create({"text": "a"}), store.create({"text": "b"})
    assert store.cancel(queued.id).state == CANCELLED
    store.claim_next()
    job = store.cancel(running.id)
    assert job.state == RUNNING and job.cancel_requested
    assert not store.report(running.id, "frames", 0.3)  # the render sees it must stop
    store.mark_cancelled(running.id)
    assert store.get(running.id).state == CANCELLED


def test_a_restart_requeues_interrupted_jobs_then_gives_up_with_a_reason(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create({"text": "a"})
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert store.claim_next().attempts == attempt
        reopened = JobStore(tmp_path / "jobs.sqlite3")  # a new server process on the same file
        assert reopened.recover() == [job.id]
    final = store.get(job.id)
    assert final.state == FAILED and "stopped during the render" in final.error


def test_a_database_from_before_job_kinds_and_warnings_opens_with_its_jobs_as_renders(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    with sqlite3.connect(path) as db:  # the first version's table: no emotion, no kind
        db.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, request TEXT NOT NULL, owner TEXT NOT NULL DEFAULT '', "
                   "state TEXT NOT NULL, progress REAL NOT NULL DEFAULT 0, stage TEXT NOT NULL DEFAULT '', script TEXT, "
                   "video TEXT, error TEXT, timings TEXT, attempts INTEGER NOT NULL DEFAULT 0, "
                   "cancel_requested INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL, updated REAL NOT NULL)")
        db.execute("INSERT INTO jobs (id, request, state, created, updated) VALUES ('old', ?, 'queued', 1, 1)",
                   (json.dumps({"text": "a"}),))
    db.close()
    store = JobStore(path)
    assert store.get("old").kind == RENDER and store.get("old").emotion is None and store.get("old").warnings == []
    preview = store.create({"text": "b"}, kind=PREVIEW)
    assert store.get(preview.id).kind == PREVIEW and store.claim_next().id == "old"
    store.succeed("old", "a", "old.mp4", {}, warnings=["the script is short"])
    assert store.get("old").warnings == ["the script is short"]
