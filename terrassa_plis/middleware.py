from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class CatalanFirstLocaleMiddleware(LocaleMiddleware):
    """Catalan unless the visitor picked another language with the switch.

    Django's own middleware would follow the browser's Accept-Language, so a visitor
    whose browser says English would never see the council's Catalan first.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        offered = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in offered else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
