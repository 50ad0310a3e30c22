from django.utils.cache import add_never_cache_headers


def mark_as_preview(response, obj):
    """A draft shown to staff must never be cached or indexed."""
    if not obj.is_published:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response
