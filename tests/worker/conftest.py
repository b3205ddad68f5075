"""The worker is tested against the same stand-in, at the same hours, as the bot."""

from tests.bot.conftest import _brisk_chat_turns, _no_quiet_hours, standin  # noqa: F401  (fixtures)
