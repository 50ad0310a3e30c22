from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from core.history import register_history
        from pages.models import Page

        # The table keeps the name it had when pages were part of the portal app.
        register_history(Page, table_name="portal_historicalpage")
