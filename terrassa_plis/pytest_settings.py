"""The settings pytest runs with: demo mode unless the caller sets DEBUG.

The settings' own default is production (DEBUG off), which needs a secret key, hosts,
a site URL and admins that a test run has no business inventing; pytest-django reads
the settings before any conftest, so this is where the test run asks for demo mode.
"""

import os

os.environ.setdefault("DEBUG", "1")

from terrassa_plis.settings import *  # noqa: E402, F403

# Pages are built on every request, unless a test asks for the cache (the `page_cache`
# fixture): the data version that makes a kept page new is raised when a change commits,
# which a test's change never does (its transaction is rolled back at the end), so a test
# reading a page, changing the data and reading it again would read the page it kept.
PAGE_CACHE_SECONDS = 0
