import logging

from django.db import DatabaseError

from core.caching import per_generation
from enquiries.models import Division

logger = logging.getLogger(__name__)


def contact_division(request):
    """The division named in every page's "For Enquiries" block, edited by staff.

    Looked up only when a template shows it, once per content generation, and never fatal:
    the enquiry form must still render its "try again later" page while the database is
    down.
    """

    def default_division():
        try:
            # In a list: a site without a default division is cached as such too.
            return per_generation("chrome:division", lambda: [Division.objects.default()])[0]
        except DatabaseError:
            logger.warning("Could not load the default division", exc_info=True)
            return None

    return {"contact_division": default_division}
