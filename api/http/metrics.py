"""Prometheus metrics, one registry per app (so that tests can build many apps).

Requests and latency are labelled by route template, never by raw path, so a scan of
random URLs cannot grow the series without bound.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from api.jobs.models import JobStatus
from api.models import Usage

__all__ = ["CONTENT_TYPE", "Metrics"]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "parallax_http_requests", "HTTP requests.", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "parallax_http_request_duration_seconds",
            "HTTP request latency (to the end of the response).",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.llm_calls = Counter("parallax_llm_calls", "LLM calls made.", registry=r)
        self.llm_tokens = Counter(
            "parallax_llm_tokens", "LLM tokens, by kind.", ["kind"], registry=r
        )
        self.llm_retries = Counter("parallax_llm_retries", "LLM calls retried.", registry=r)
        self.cache_hits = Counter(
            "parallax_llm_cache_hits", "LLM calls served from cache.", registry=r
        )
        self.jobs = Gauge(
            "parallax_jobs", "Comparison jobs in the database, by status.", ["status"], registry=r
        )
        self.jobs_finished = Counter(
            "parallax_jobs_finished", "Jobs finished by this process.", ["status"], registry=r
        )

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def usage(self, usage: Usage) -> None:
        self.llm_calls.inc(usage.llm_calls)
        self.llm_tokens.labels("prompt").inc(usage.prompt_tokens)
        self.llm_tokens.labels("completion").inc(usage.completion_tokens)
        self.llm_retries.inc(usage.retries)
        self.cache_hits.inc(usage.cached_calls)

    def job_finished(self, status: JobStatus, usage: Usage | None) -> None:
        self.jobs_finished.labels(status.value).inc()
        if usage is not None:
            self.usage(usage)

    def render(self, job_counts: dict[JobStatus, int]) -> bytes:
        for status, count in job_counts.items():
            self.jobs.labels(status.value).set(count)
        return generate_latest(self.registry)
