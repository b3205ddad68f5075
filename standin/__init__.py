"""A loopback stand-in for Telegram's Bot API, for tests, benchmarks and trying the bot.

from standin import StandIn
with StandIn() as standin:               # serves on a free port of 127.0.0.1
    bot = telegram.Bot(token, base_url=standin.base_url)
    youth = standin.new_user(first_name="Amal")
    standin.send_text(youth, "/start")
    reply, = standin.wait_for(youth)
"""

from .models import Button, SentMessage, StandInUser
from .server import StandIn

__all__ = ["Button", "SentMessage", "StandIn", "StandInUser"]
