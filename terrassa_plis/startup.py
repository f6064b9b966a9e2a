"""Turn a configuration mistake into one clear sentence instead of a traceback."""

import sys

from terrassa_plis.env import SettingsError


def exit_on_settings_error(error: SettingsError) -> None:
    sys.stderr.write(f"Configuration error: {error}\n")
    raise SystemExit(1)
