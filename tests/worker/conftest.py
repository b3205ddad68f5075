"""The worker is tested against the same stand-in, at the same hours, as the bot."""

from tests.bot.conftest import _no_quiet_hours, standin  # noqa: F401  (fixtures)
