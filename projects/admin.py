from projects import (
    admin_projects,  # noqa: F401
    admin_startups,  # noqa: F401
)
