"""The WSGI application, for tools that want one; production serves config.asgi."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    from config.startup import refusal_for

    raise refusal_for(error) from None

from config.startup import refuse_broken_production

refuse_broken_production()
