"""Project configuration: settings, URL routes and the ASGI/WSGI entry points."""
