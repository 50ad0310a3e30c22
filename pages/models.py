from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Published pages; staff who may view pages also see drafts (preview)."""
        if user.is_authenticated and user.has_perm("pages.view_page"):
            return self.all()
        return self.published()

    def in_navigation(self):
        return self.published().filter(in_navigation=True)

    def for_chrome(self):
        """Published pages without their bodies, for the navigation and footer."""
        bodies = [build_localized_fieldname("body", code) for code, _name in settings.LANGUAGES]
        return self.published().defer("body", *bodies)


class Page(models.Model):
    """A content page kept by staff (privacy policy, accessibility, about the directory…)."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    in_navigation = models.BooleanField(_("shown in navigation"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        db_table = "portal_page"
        ordering = ["order", "slug"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("page", kwargs={"slug": self.slug})


class ResourceLinkQuerySet(models.QuerySet):
    def for_page(self):
        return self.prefetch_related("languages")


class ResourceLink(models.Model):
    """A curated link shown under a content page, kept as data rather than Markdown so that
    staff can reorder it, the link checker can visit it and every language shares one URL."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="links", verbose_name=_("page")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("URL"), max_length=500)
    languages = models.ManyToManyField(
        "directory.Language",
        blank=True,
        related_name="resource_links",
        verbose_name=_("languages"),
        help_text=_("Only languages confirmed on the linked site."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ResourceLinkQuerySet.as_manager()

    class Meta:
        db_table = "portal_resourcelink"
        ordering = ["page", "order", "pk"]
        verbose_name = _("resource link")
        verbose_name_plural = _("resource links")

    def __str__(self):
        return self.title
