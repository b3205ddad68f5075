"""Telegram: the bot's token, the Bot API base URL and the deep-link username."""

from .env import env

# Without a token the product talks to the loopback Bot API stand-in (see the bot package).
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
# PTB's base_url: the token is appended to it, e.g. https://api.telegram.org/bot<token>.
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org/bot")
# Used to build t.me/<username>?start=<token> invite links.
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="nextwork_demo_bot")
