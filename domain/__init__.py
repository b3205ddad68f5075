"""The domain: the network's tables, its rules (services), its reads (selectors), who may do what
(policy) and what happened (events). Every front door — the portal's pages, the API, the bot, the
worker — calls in here; nothing in here knows them."""
