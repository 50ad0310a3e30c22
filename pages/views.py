from django.shortcuts import get_object_or_404, render

from core.preview import mark_as_preview
from pages.models import Page


def page(request, slug):
    content_page = get_object_or_404(Page.objects.visible_to(request.user), slug=slug)
    response = render(
        request,
        "pages/page.html",
        {"page": content_page, "links": content_page.links.for_page()},
    )
    return mark_as_preview(response, content_page)
