"""Channels: the in-memory layer by default, channels-redis when REDIS_URL is set; without
Redis, the database relay carries live news between processes (portal/relay.py)."""

from .env import env

REDIS_URL = env.str("REDIS_URL", default="")

# channels-redis waits for a websocket's next message with BRPOP, 5 s at a time
# (RedisChannelLayer.brpop_timeout). redis-py 8 gives every socket a 5 s read timeout by default,
# so an idle socket's BRPOP raced its own read timeout and the websocket died with a
# TimeoutError after about 5 s of quiet. The read timeout must outlast one BRPOP; it stays
# finite so that a Redis that vanished without closing the connection is still noticed.
REDIS_LAYER_SOCKET_TIMEOUT = 15
REDIS_LAYER_CONNECT_TIMEOUT = 5


def redis_channel_layer(url: str, **config: object) -> dict:
    """The channel layer for a Redis at ``url``, with socket timeouts fit for BRPOP."""
    host = {
        "address": url,
        "socket_timeout": REDIS_LAYER_SOCKET_TIMEOUT,
        "socket_connect_timeout": REDIS_LAYER_CONNECT_TIMEOUT,
        "socket_keepalive": True,
    }
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [host], **config},
    }


if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    # One process only; the relay (NEXTWORK_LIVE_RELAY below) carries news between processes.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Live pages across processes (bot, worker, management commands → the web's websockets): by
# default on exactly when there is no Redis to carry them.
NEXTWORK_LIVE_RELAY = env.bool("NEXTWORK_LIVE_RELAY", default=not REDIS_URL)

# How often a websocket rechecks its session and roles even without news (the session's end,
# logout, a password or role change close it at once anyway).
NEXTWORK_LIVE_RECHECK_SECONDS = env.int("NEXTWORK_LIVE_RECHECK_SECONDS", default=300)
