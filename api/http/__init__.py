"""The HTTP service: a thin layer over the pipeline and the job runner."""

from api.http.app import create_app

__all__ = ["create_app"]
