"""A Redis cache that degrades to a miss when Redis cannot be reached.

Django's RedisCache raises on a connection error, so a Redis outage turned every page that
reads the cache (the directory, city profiles, sign-in with its rate limits) into a 500. The
cache only ever holds what can be recomputed, so while Redis is unreachable this backend logs
the error, answers reads with a miss and drops writes, and for a few seconds does not even try
(each try would cost a connection attempt on every call of every request).

Rate limits of sign-in (allauth) keep their counters here too: during an outage they fail
open, i.e. sign-in keeps working without limits. Failing closed would lock every user,
including the staff who must act during the incident, out of the portal; passwords, mandatory
two-factor authentication for privileged accounts and the error in the logs remain.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, calls skip Redis for this many seconds.
RETRY_AFTER = 5.0


class FailSoftRedisCache(RedisCache):
    _down_until = 0.0

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, error: Exception) -> None:
        if self._available():
            logger.error("Cache unreachable during %s; serving without it: %s", operation, error)
        self._down_until = time.monotonic() + RETRY_AFTER

    def _call(self, operation: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._available():
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._failed(operation, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set_many", [], data, timeout, version)
        return []

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # As if stored: callers that use `add` as a lock (allauth's rate limits) go on
        # instead of waiting for a lock that cannot be taken.
        return self._call("add", True, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        if not self._available():
            raise ValueError(f"Key '{key}' not found (cache unreachable)")
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as error:
            self._failed("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unreachable)") from error

    def clear(self):
        return self._call("clear", False)
