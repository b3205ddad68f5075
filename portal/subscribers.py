"""Imports every module that subscribes to domain events, so subscriptions exist at start-up.

The bot, the websocket consumers and the worker add their modules here as they are built.
"""

from portal import realtime  # noqa: F401  (websocket fan-out of every domain event)
