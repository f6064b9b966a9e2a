import os

from django.core.wsgi import get_wsgi_application

from terrassa_plis.env import SettingsError
from terrassa_plis.startup import exit_on_settings_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terrassa_plis.settings")

try:
    application = get_wsgi_application()
except SettingsError as error:
    exit_on_settings_error(error)
