"""The projects' part of the versioned JSON API: projects, startups, challenges, indicators
with their measurements, and the AI register. Published objects only, through the same
visibility rules as the public pages; records from the same field lists as the downloads.

`mount_routers()` is called from ProjectsConfig.ready() and mounts each router on the portal's API
(coalition.api)."""


def mount_routers() -> None:
    from coalition.api import API_PREFIX, register_router
    from projects.api import indicators, projects, startups
    from projects.api import register as register_api  # the module, not this function

    register_router(API_PREFIX + "projects/", projects.router)
    register_router(API_PREFIX + "startups/", startups.startups)
    register_router(API_PREFIX + "challenges/", startups.challenges)
    register_router(API_PREFIX + "indicators/", indicators.router)
    register_router(API_PREFIX + "register/", register_api.router)
