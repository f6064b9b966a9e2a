"""The settings pytest runs with: demo mode unless the caller sets DEBUG.

The settings' own default is production (DEBUG off), which needs a secret key, hosts,
a site URL and admins that a test run has no business inventing; pytest-django reads
the settings before any conftest, so this is where the test run asks for demo mode.
"""

import os

os.environ.setdefault("DEBUG", "1")

from terrassa_plis.settings import *  # noqa: E402, F403
