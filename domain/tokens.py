"""Hashes of the secrets we hand out (invite links, calendar feed links): only the hash is
stored, so a leaked table gives no working link. A low module: services and selectors use it."""

import hashlib


def invite_token_hash(token: str) -> str:
    """The stored form of a youth's invite token (URL-safe ASCII)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def feed_token_hash(token: str) -> str:
    """The stored form of a calendar feed's token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
