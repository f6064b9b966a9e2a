#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terrassa_plis.settings")
    from django.core.management import execute_from_command_line

    from terrassa_plis.env import SettingsError
    from terrassa_plis.startup import exit_on_settings_error

    try:
        execute_from_command_line(sys.argv)
    except SettingsError as error:
        exit_on_settings_error(error)


if __name__ == "__main__":
    main()
