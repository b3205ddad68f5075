"""The delivery worker (``manage.py deliver``): takes due messages from the outbox through the
domain's services and sends them to Telegram at Telegram's speed limit."""
