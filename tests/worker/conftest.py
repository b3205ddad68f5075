"""The worker is tested against the same stand-in, at the same hours and chat turns, as the bot:
the bot's fixtures, named here so pytest finds them for tests/worker too."""

from tests.bot.conftest import _brisk_chat_turns, _no_quiet_hours, standin

__all__ = ["_brisk_chat_turns", "_no_quiet_hours", "standin"]
