"""Channels: the in-memory layer by default, channels-redis when REDIS_URL is set."""

from .env import env

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    # One process only: enough for the embedded default and the tests.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# How often a websocket rechecks its session and roles even without news (the session's end,
# logout, a password or role change close it at once anyway).
NEXTWORK_LIVE_RECHECK_SECONDS = env.int("NEXTWORK_LIVE_RECHECK_SECONDS", default=300)
