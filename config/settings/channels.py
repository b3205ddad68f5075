"""Channels: the in-memory layer by default, channels-redis when REDIS_URL is set; without
Redis, the database relay carries live news between processes (portal/relay.py)."""

from .env import env

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, which ends a websocket's
            # blocking receive on an idle page every 5 s (channels_redis#422): no read timeout,
            # but a bounded connect.
            "CONFIG": {
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": None, "socket_connect_timeout": 5}
                ]
            },
        }
    }
else:
    # One process only; the relay (NEXTWORK_LIVE_RELAY below) carries news between processes.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Live pages across processes (bot, worker, management commands → the web's websockets): by
# default on exactly when there is no Redis to carry them.
NEXTWORK_LIVE_RELAY = env.bool("NEXTWORK_LIVE_RELAY", default=not REDIS_URL)
