"""The production shape runs the bot's stand-in as Telegram: the bot's fixtures, named here so
pytest finds them for tests/shape too."""

from tests.bot.conftest import _brisk_chat_turns, _no_quiet_hours, standin

__all__ = ["_brisk_chat_turns", "_no_quiet_hours", "standin"]
