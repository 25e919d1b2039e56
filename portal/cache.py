"""Django's Redis cache, keeping one client per connection pool.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` for every cache call, and each
one builds its table of some 170 response callbacks: measurable on every page, which reads the
cache six to eight times (session, roles, figures). A redis-py client is safe to share between
threads, and the pool it wraps is already shared, so one per pool does the same work."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
