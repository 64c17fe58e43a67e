from ..db.conftest import pg_url  # noqa: F401  (the database fixture, shared)
