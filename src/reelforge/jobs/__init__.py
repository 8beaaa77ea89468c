"""Render jobs: a durable SQLite store and the executors that run them."""
