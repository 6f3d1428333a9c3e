"""The Redis cache backend the settings use when REDIS_URL is set: Django's, with bounded waits.

Every caller of the cache fails open when Redis is away (core/throttle.py, the response cache),
but a Redis that accepts connections and never answers (frozen, a half-open network path) made
each cache call wait for the operating system's TCP timeout — several seconds per call and
several calls per request. Now each call waits at most REDIS_TIMEOUT (socket options in the
settings), and after one failure this process does not touch Redis for RETRY_SECONDS: the
calls meanwhile fail at once, with the same error type, so the callers' fail-open paths and
/health see an ordinary cache failure. The first call after that tries Redis again.
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis import exceptions as redis_errors

RETRY_SECONDS = 5.0
#: Per Redis location (a process may use several): until when (monotonic) it is left alone.
down_until: dict[str, float] = {}

_FAILURES = (redis_errors.ConnectionError, redis_errors.TimeoutError)


def _guarded(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        where = ",".join(self._servers)
        if time.monotonic() < down_until.get(where, 0.0):
            raise redis_errors.ConnectionError(
                f"Redis did not answer less than {RETRY_SECONDS:g} s ago; not asked again yet"
            )
        try:
            return method(self, *args, **kwargs)
        except _FAILURES:
            down_until[where] = time.monotonic() + RETRY_SECONDS
            raise

    return call


class ReusedClients(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every cache call, and redis-py 8 fills
    about 170 response callbacks into each new one: ≈ 0.25 ms of CPU per call, more than the
    round trip itself. One ``redis.Redis`` per connection pool, reused (it is thread-safe: the
    pool hands each command a connection, and re-creates its connections after a fork)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_reused", {})
        client = clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


#: MGET of KEYS[2..] and the counter KEYS[1] (created at 0 for ARGV[2] seconds when missing)
#: raised by ARGV[1]: the values, then the counter's value.
GET_AND_COUNT = """
local values = redis.call('MGET', unpack(KEYS, 2))
redis.call('SET', KEYS[1], 0, 'EX', ARGV[2], 'NX')
values[#values + 1] = redis.call('INCRBY', KEYS[1], ARGV[1])
return values
"""


GET_AND_COUNT_SHA = hashlib.sha1(GET_AND_COUNT.encode(), usedforsecurity=False).hexdigest()


def _refuses_scripts(error: Exception) -> bool:
    """Whether Redis said it does not run scripts for us (ACLs, a proxy without EVALSHA)."""
    if isinstance(error, redis_errors.NoPermissionError):
        return True
    return "unknown command" in str(error).lower()


def run_script(client, script: str, sha: str, keys: list, args: list):
    """The reply of `script` (its SHA-1 `sha`) run on one of `client`'s pooled connections:
    EVALSHA, and when Redis has forgotten the script (a restart, SCRIPT FLUSH) SCRIPT LOAD and
    EVALSHA again. Without redis-py's client layer (retries, observability, reply callbacks:
    ≈ 40 µs of CPU a call, as much as the rest of the token check); the pool still checks the
    connection before handing it out and re-creates it after a fork or a lost connection."""
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        try:
            connection.send_command("EVALSHA", sha, len(keys), *keys, *args)
            return connection.read_response()
        except redis_errors.NoScriptError:
            connection.send_command("SCRIPT", "LOAD", script)
            connection.read_response()
            connection.send_command("EVALSHA", sha, len(keys), *keys, *args)
            return connection.read_response()
    except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError):
        connection.disconnect()  # its state is unknown: the pool connects again next time
        raise
    finally:
        pool.release(connection)


class RedisCache(DjangoRedisCache):
    """django.core.cache.backends.redis.RedisCache that stops asking a Redis that failed, and
    reuses its ``redis.Redis`` clients."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients

    def count(self, key, amount: int, timeout: int) -> int:
        """Add `amount` to the counter `key` (created at 0 to live `timeout` seconds when it
        is missing) and return its value: one round trip (Django's add + incr take three)."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=max(int(timeout), 1), nx=True)
        pipe.incrby(key, amount)
        return int(pipe.execute()[-1])

    def get_many_and_count(self, keys, counter, amount: int, timeout: int):
        """``get_many(keys)`` and ``count(counter, amount, timeout)`` in one round trip:
        (the found values by key, the counter's value). One command (a script kept in
        Redis, ``GET_AND_COUNT``): a pipeline of three costs about as much CPU in redis-py
        as the round trip itself. Where scripts are not allowed, the pipeline."""
        made = {self.make_and_validate_key(key): key for key in keys}
        counter = self.make_and_validate_key(counter)
        client = self._cache.get_client(counter, write=True)
        ttl = max(int(timeout), 1)
        values = None
        if made and self.__dict__.get("_scripts", True):
            try:
                *values, count = run_script(client, GET_AND_COUNT, GET_AND_COUNT_SHA,
                                            [counter, *made], [amount, ttl])  # fmt: skip
            except redis_errors.ResponseError as error:  # the pipeline says what is wrong
                if _refuses_scripts(error):
                    self._scripts = False
        if values is None:
            pipe = client.pipeline(transaction=False)
            pipe.mget(list(made))
            pipe.set(counter, 0, ex=ttl, nx=True)
            pipe.incrby(counter, amount)
            values, _added, count = pipe.execute()
        loads = self._cache._serializer.loads
        pairs = zip(made, values, strict=True)
        found = {made[key]: loads(value) for key, value in pairs if value is not None}
        return found, int(count)


for _name in (
    "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
    "delete_many", "clear", "count", "get_many_and_count",
):  # fmt: skip
    setattr(RedisCache, _name, _guarded(getattr(RedisCache, _name)))


#: Backends whose entries live in one process: a value written there is not seen by the others.
PER_PROCESS_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def cache_is_shared(alias: str = "default") -> bool:
    """Whether the cache `alias` is one every process shares (Redis), not per process."""
    from django.conf import settings

    return settings.CACHES[alias]["BACKEND"] not in PER_PROCESS_BACKENDS
