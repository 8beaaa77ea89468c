"""Small helpers for the Futures that worker threads hand over."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def done(value: T) -> Future[T]:
    """A Future already holding ``value``: for code that waits on work which, this time, was done in place."""
    future: Future[T] = Future()
    future.set_result(value)
    return future
