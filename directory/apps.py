from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from simple_history import register

        from directory.models import Association, Language, Prefecture, Region, Service

        # Registered here rather than with HistoricalRecords() on the models: by now
        # modeltranslation has added the per-language columns, which history must copy.
        register(
            Association,
            m2m_fields=["services", "languages"],
            excluded_fields=[
                "search_text",
                "website_status",
                "website_final_url",
                "website_error",
                "website_checked_at",
            ],
        )
        for model in (Service, Region, Prefecture, Language):
            register(model)
