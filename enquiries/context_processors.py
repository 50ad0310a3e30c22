from enquiries.models import Division


def contact_division(request):
    """The division named in every page's "For Enquiries" block, edited by staff."""
    return {"contact_division": Division.objects.default}
