from django.utils.translation import get_language_from_path

from portal.furigana import add_furigana

EASY_JAPANESE = "ja-easy"


class FuriganaMiddleware:
    """Adds <ruby> readings to every Easy Japanese HTML page, interface and content alike.

    Only pages under the /ja-easy/ prefix are touched, so the admin (unprefixed) never is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            get_language_from_path(request.path_info) == EASY_JAPANESE
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            charset = response.charset or "utf-8"
            response.content = add_furigana(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
