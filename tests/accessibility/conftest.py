"""The accessibility checks look at what the permission matrix visits: the same seed data,
built once for each module and rolled back at its end."""

from tests.test_permission_matrix import (  # noqa: F401 (fixtures, used by name)
    _media_in_a_temporary_folder,
    media_root,
    seed,
)
