from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from core.history import register_history
        from directory.models import (
            Association,
            HelpLine,
            Language,
            Prefecture,
            Region,
            Service,
        )

        register_history(
            Association,
            m2m_fields=["services", "languages"],
            excluded_fields=[
                "search_text",
                "search_readings",
                "search_body",
                "website_status",
                "website_final_url",
                "website_error",
                "website_checked_at",
            ],
        )
        register_history(HelpLine, m2m_fields=["languages"])
        for model in (Service, Region, Prefecture, Language):
            register_history(model)
