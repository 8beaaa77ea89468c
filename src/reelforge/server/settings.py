"""Service settings, read from the environment (REELFORGE_*)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from reelforge.request import Quality

QUALITY_ORDER = (Quality.speed, Quality.balanced, Quality.quality, Quality.ultra)


class Settings(BaseSettings):
    """Where the service keeps its data, and the limits it enforces on clients."""

    model_config = SettingsConfigDict(env_prefix="REELFORGE_")

    data_dir: Path = Field(Path("reelforge-data"), description="job database and rendered videos")
    public_url: str | None = Field(None, description="base of video URLs (default: the request's own host)")
    api_key: str | None = Field(None, description="when set, every route but /health needs X-API-Key")
    workers: int = Field(1, ge=1, description="render processes run at once")
    max_duration: float = Field(120.0, gt=0, description="longest video a client may ask for, seconds")
    max_quality: Quality = Field(Quality.quality, description="highest quality preset a client may ask for")
    max_queued_per_key: int = Field(10, ge=1, description="queued + running jobs allowed per API key")
    retention_hours: float = Field(72.0, gt=0, description="finished jobs and their files are deleted after this")
    sync_timeout_s: float = Field(600.0, gt=0, description="longest wait of POST /generate-advanced-video")
    max_upload_mb: float = Field(20.0, gt=0, description="largest upload (photo or audio file), megabytes")
    max_image_pixels: int = Field(40_000_000, ge=1, description="largest uploaded image, width x height")
    max_audio_seconds: float = Field(120.0, gt=0, description="longest uploaded narration audio, seconds")
    segment_seconds: float = Field(10.0, gt=0, description="length of the time segments a video is split into")
    # One render keeps 2 to 4 cores busy by itself (bench/bench_segments.py): split from 8 cores up.
    segment_processes: int = Field(max(1, (os.cpu_count() or 1) // 4), ge=1,
                                   description="local processes one job's segments render in (1: no split)")
    broker_url: str | None = Field(None, description="Redis URL: jobs go to Celery workers (`reelforge worker`)")
    visibility_timeout_s: float = Field(60.0, gt=0, description="a task unacknowledged this long is re-delivered; "
                                        "the copy runs only if the first one's worker is dead (its lease lapsed)")

    @property
    def videos_dir(self) -> Path:
        return self.data_dir / "videos"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1_000_000)

    @property
    def database(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def segments_dir(self) -> Path:
        """Plans and segments of distributed jobs (on the filesystem every worker shares)."""
        return self.data_dir / "segments"
