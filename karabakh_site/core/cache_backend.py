"""The shared cache on Redis: Django's backend, with one client per connection pool."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClient(RedisCacheClient):
    """Django builds a new redis.Redis for every cache operation (get_client), and redis-py's
    constructor fills a table of some 170 response callbacks each time: 0.2 ms a call, more than
    a GET on loopback, several times a request (the kept answer, the API throttle). A client is
    a thread-safe wrapper over its pool, so one per pool serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient
