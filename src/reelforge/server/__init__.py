"""The HTTP service: FastAPI app, settings."""
