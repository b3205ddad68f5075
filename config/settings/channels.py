"""Channels: the in-memory layer by default, channels-redis when REDIS_URL is set; without
Redis, the database relay carries live news between processes (portal/relay.py)."""

from urllib.parse import urlsplit

from .env import env

REDIS_URL = env.str("REDIS_URL", default="")

# channels-redis's Redis Pub/Sub layer. A group message is published once and every web process
# subscribed to the group hands it to its own sockets, so telling 1,000 dashboards costs one
# PUBLISH and one read per process. The list-based RedisChannelLayer wrote one copy per socket
# and each process read them back one round trip at a time (p95 126 ms for 200 dashboards on one
# process, 499 ms for 1,000 on two, where its connection pool also ran out: MaxConnectionsError).
# Pub/Sub keeps nothing for a socket that is not listening, which is all a live view needs: the
# pages reload their own fragments, and nothing else rides on the layer (portal/realtime.py).
#
# After a Redis restart redis-py reconnects the subscriber and subscribes again to every channel
# it had, so the sockets go on hearing news (what was published while Redis was away is gone).
# The subscriber waits for messages 0.1 s at a time, well inside the sockets' read timeout: an
# idle socket no longer races redis-py 8's default 5 s timeout (the list-based layer's 5 s BRPOP
# did). The timeout stays finite so that a Redis that vanished without closing is noticed.
REDIS_LAYER_SOCKET_TIMEOUT = 15
REDIS_LAYER_CONNECT_TIMEOUT = 5


def layer_prefix(url: str) -> str:
    """The layer's channel names for a Redis at ``url``: Pub/Sub channels are one namespace
    for the whole server, whatever database number a client selected, so the number goes
    into the names. Installations (or test workers) on one Redis with different database
    numbers then never hear each other, as with every other use of Redis here."""
    number = urlsplit(url).path.strip("/") or "0"
    return f"nextwork.db{number}."


def redis_channel_layer(url: str, **config: object) -> dict:
    """The channel layer for a Redis at ``url``: Pub/Sub, with explicit socket timeouts."""
    config = {"prefix": layer_prefix(url), **config}
    host = {
        "address": url,
        "socket_timeout": REDIS_LAYER_SOCKET_TIMEOUT,
        "socket_connect_timeout": REDIS_LAYER_CONNECT_TIMEOUT,
        "socket_keepalive": True,
    }
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
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
