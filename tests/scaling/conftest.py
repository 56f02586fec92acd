"""Fixtures for the tests of a portal spread over several processes and machines: the calls
tests' world (a Chilean chapter with an open call, Peñalolén and its officers, staff with
two-factor authentication, people who must not get in) and a local S3-compatible server."""

from tests.calls.conftest import (  # noqa: F401  (fixtures re-exported for this folder)
    _empty_cache,
    anonymous,
    application,
    call,
    chapter,
    login,
    municipality,
    officer,
    officer_client,
    other_application,
    other_chapter,
    other_municipality,
    other_officer,
    other_staff_user,
    second_officer,
    staff_client,
    staff_user,
)
from tests.scaling.s3 import bucket, s3_endpoint  # noqa: F401
