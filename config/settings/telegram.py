"""Telegram: the bot's token, the Bot API base URL, the webhook secret, the loopback stand-in."""

from .env import env

TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
# Without a token the product talks to the loopback Bot API stand-in (standin/), which
# listens on this port of 127.0.0.1 and accepts any well-formed token.
TELEGRAM_STANDIN_PORT = env.int("TELEGRAM_STANDIN_PORT", default=8081)
TELEGRAM_USE_STANDIN = not TELEGRAM_BOT_TOKEN
if TELEGRAM_USE_STANDIN:
    TELEGRAM_BOT_TOKEN = "123456789:standin-token-for-local-use-only"  # noqa: S105
# PTB's base_url: the token is appended to it, e.g. https://api.telegram.org/bot<token>.
TELEGRAM_API_URL = env.str(
    "TELEGRAM_API_URL",
    default=f"http://127.0.0.1:{TELEGRAM_STANDIN_PORT}/bot"
    if TELEGRAM_USE_STANDIN
    else "https://api.telegram.org/bot",
)
# Used to build t.me/<username>?start=<token> invite links.
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="nextwork_demo_bot")
# Telegram sends it back in X-Telegram-Bot-Api-Secret-Token on every webhook call.
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")

# The delivery worker's overall send rate (messages a second, all workers together): Telegram
# allows about 30; the default keeps a message of room.
NEXTWORK_DELIVERY_RATE = env.float("NEXTWORK_DELIVERY_RATE", default=29.0)
# Seconds a row claimed by a delivery worker stays its own after the worker's last heartbeat
# (renewed every fifth of it): how soon a dead worker's rows are taken over by another.
NEXTWORK_DELIVERY_LEASE = env.float("NEXTWORK_DELIVERY_LEASE", default=5.0)
