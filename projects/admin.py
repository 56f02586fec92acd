from projects import admin_startups  # noqa: F401
