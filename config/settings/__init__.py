"""Settings, read from the environment.

``base`` holds Django itself; each integration (api, channels, email, telegram, security) has
its own module so a reader finds every knob of one integration in one place.
"""

from .base import *  # noqa: F403, I001  (base first: the others build on it)
from .api import *  # noqa: F403
from .channels import *  # noqa: F403
from .email import *  # noqa: F403
from .security import *  # noqa: F403
from .telegram import *  # noqa: F403
