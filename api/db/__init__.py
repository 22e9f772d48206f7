"""Databases: versioned schema migrations for SQLite and PostgreSQL, and the
PostgreSQL connection pool whose failures become ``DatabaseUnavailable``."""
