import os

from django.core.asgi import get_asgi_application

from terrassa_plis.env import SettingsError
from terrassa_plis.startup import exit_on_settings_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terrassa_plis.settings")

try:
    application = get_asgi_application()
except SettingsError as error:
    exit_on_settings_error(error)
