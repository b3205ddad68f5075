"""The only writers of the domain: one module per entity, functions named ``<entity>_<action>``.

Every interface (API, portal pages, bot, worker, management commands) calls these and turns a
``DomainError`` into its own kind of answer.
"""
