from projects import admin_projects  # noqa: F401
from projects import admin_startups  # noqa: F401
