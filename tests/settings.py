"""The test run's settings: the portal's own, in development (the default is production)."""

import os

os.environ.setdefault("PORTAL_ENV", "development")

from portal.settings import *  # noqa: E402, F403
