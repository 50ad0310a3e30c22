import csv

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from enquiries.models import Delivery, Division, Enquiry, EnquiryEvent, Topic
from enquiries.working_days import working_days_before

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def report_sending_again(model_admin, request, count):
    model_admin.message_user(
        request,
        ngettext(
            "%(count)d e-mail will be sent at the worker’s next round.",
            "%(count)d e-mails will be sent at the worker’s next round.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(Division)
class DivisionAdmin(TranslationAdmin):
    list_display = ("name", "phone", "fax", "is_default")
    search_fields = ("name", "organisation")


@admin.register(Topic)
class TopicAdmin(TranslationAdmin):
    list_display = ("name", "division", "is_active", "order")
    list_editable = ("is_active", "order")
    list_filter = ("is_active", "division")
    list_select_related = ("division",)
    search_fields = ("name", "slug")


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.not_overdue()
        return queryset


class AnonymisedSoonFilter(admin.SimpleListFilter):
    title = _("personal data")
    parameter_name = "anonymised_soon"

    def lookups(self, request, model_admin):
        return (("yes", _("Removed within the warning period")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=Enquiry.objects.anonymised_soon().values("pk"))
        return queryset


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = (
        "kind",
        "state",
        "attempts",
        "next_attempt",
        "sent",
        "recipients",
        "message_id",
        "last_error",
    )
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EnquiryEventInline(admin.TabularInline):
    model = EnquiryEvent
    extra = 0
    can_delete = False
    fields = ("created", "actor", "field_display", "old_display", "new_display")
    readonly_fields = fields
    verbose_name_plural = _("history")

    @admin.display(description=_("what changed"))
    def field_display(self, event):
        return event.field_label

    @admin.display(description=_("from"))
    def old_display(self, event):
        return event.old_display

    @admin.display(description=_("to"))
    def new_display(self, event):
        return event.new_display

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


RESIDENT_FIELDS = (
    "topic",
    "division",
    "association",
    "name",
    "email",
    "phone",
    "reply_language_label",
    "prefecture",
    "message",
)
CONSENT_FIELDS = ("privacy_notice_accepted", "forwarding_consent")
CSV_COLUMNS = (
    "reference",
    "created",
    "status",
    "topic",
    "division",
    "association",
    "name",
    "email",
    "phone",
    "reply_language",
    "prefecture",
    "message",
    "forwarding_consent",
    "assignee",
    "status_changed",
)


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "created",
        "topic",
        "reply_language_label",
        "status",
        "assignee",
        "overdue_flag",
        "delivery_state",
    )
    list_filter = (
        "status",
        OverdueFilter,
        "topic",
        "reply_language",
        "created",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        AnonymisedSoonFilter,
    )
    search_fields = ("reference", "name", "email", "phone", "message")
    date_hierarchy = "created"
    list_select_related = ("topic", "assignee")
    # A plain select, not autocomplete: autocomplete would need every handler to be able to
    # view all user accounts.
    fieldsets = (
        (None, {"fields": ("reference", "created", "status", "assignee", "internal_notes")}),
        (_("What the resident sent"), {"fields": RESIDENT_FIELDS}),
        (_("Consent"), {"fields": CONSENT_FIELDS}),
        (
            _("Record"),
            {
                "fields": (
                    "status_changed",
                    "spam_reason",
                    "anonymised",
                    "anonymise_after",
                    "updated",
                )
            },
        ),
    )
    readonly_fields = (
        (
            "reference",
            "created",
            "updated",
            "status_changed",
            "spam_reason",
            "anonymised",
            "anonymise_after",
        )
        + RESIDENT_FIELDS
        + CONSENT_FIELDS
    )
    inlines = (EnquiryEventInline, DeliveryInline)
    actions = (
        "assign_to_me",
        "mark_in_progress",
        "mark_answered",
        "mark_closed",
        "mark_spam",
        "mark_not_spam",
        "forward_to_association",
        "retry_deliveries",
        "export_csv",
    )

    def get_queryset(self, request):
        cutoff = working_days_before(timezone.now(), settings.ENQUIRY_REPLY_WORKING_DAYS)
        return (
            super()
            .get_queryset(request)
            .annotate(
                overdue=Case(
                    When(Q(status__in=Enquiry.OPEN_STATUSES, created__lt=cutoff), then=True),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
                deliveries_total=Count("deliveries", distinct=True),
                deliveries_sent=Count(
                    "deliveries",
                    filter=Q(deliveries__state=Delivery.State.SENT),
                    distinct=True,
                ),
                deliveries_failed=Count(
                    "deliveries",
                    filter=Q(deliveries__state__in=Delivery.NEEDS_STAFF),
                    distinct=True,
                ),
            )
        )

    def has_add_permission(self, request):
        # Enquiries come from residents through the public form only.
        return False

    def changelist_view(self, request, extra_context=None):
        # The warning before retention runs out: on every visit to the list, with a link to
        # exactly those enquiries, so that staff can finish or move on what still matters.
        soon = Enquiry.objects.anonymised_soon().count()
        if soon and request.method == "GET" and "anonymised_soon" not in request.GET:
            self.message_user(
                request,
                format_html(
                    '{} <a href="?anonymised_soon=yes">{}</a>',
                    ngettext(
                        "The personal data of %(count)d enquiry will be removed within "
                        "%(days)d days.",
                        "The personal data of %(count)d enquiries will be removed within "
                        "%(days)d days.",
                        soon,
                    )
                    % {"count": soon, "days": settings.ENQUIRY_RETENTION_WARNING.days},
                    _("Show them"),
                ),
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("personal data removed on"))
    def anonymise_after(self, enquiry):
        return enquiry.anonymise_after

    @admin.display(description=_("overdue"), boolean=True, ordering="overdue")
    def overdue_flag(self, enquiry):
        return enquiry.overdue

    @admin.display(description=_("e-mail"))
    def delivery_state(self, enquiry):
        if not enquiry.deliveries_total:
            return _("Not mailed")
        if enquiry.deliveries_failed:
            return format_html('<strong class="errornote">{}</strong>', _("Failed"))
        if enquiry.deliveries_sent == enquiry.deliveries_total:
            return _("Sent")
        return _("Waiting")

    def save_model(self, request, obj, form, change):
        previous = Enquiry.objects.get(pk=obj.pk) if change else None
        if previous and previous.status != obj.status:
            obj.status_changed = timezone.now()
        super().save_model(request, obj, form, change)
        if previous is None:
            return
        if previous.status != obj.status:
            obj.record_change(request.user, "status", previous.status, obj.status)
            if obj.status == Enquiry.Status.SPAM:
                obj.deliveries.filter(state=Delivery.State.PENDING).update(
                    state=Delivery.State.CANCELLED
                )
        if previous.assignee_id != obj.assignee_id:
            obj.record_change(request.user, "assignee", previous.assignee, obj.assignee)

    def _change_status(self, request, queryset, status):
        changed = sum(enquiry.change_status(status, request.user) for enquiry in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d enquiry changed to “%(status)s”.",
                "%(count)d enquiries changed to “%(status)s”.",
                changed,
            )
            % {"count": changed, "status": Enquiry.Status(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = 0
        for enquiry in queryset.exclude(assignee=request.user):
            enquiry.record_change(request.user, "assignee", enquiry.assignee, request.user)
            enquiry.assignee = request.user
            enquiry.save(update_fields=["assignee", "updated"])
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d enquiry assigned to you.", "%(count)d enquiries assigned to you.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as in progress"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._change_status(request, queryset, Enquiry.Status.IN_PROGRESS)

    @admin.action(description=_("Mark as answered"), permissions=["change"])
    def mark_answered(self, request, queryset):
        self._change_status(request, queryset, Enquiry.Status.ANSWERED)

    @admin.action(description=_("Mark as closed"), permissions=["change"])
    def mark_closed(self, request, queryset):
        self._change_status(request, queryset, Enquiry.Status.CLOSED)

    @admin.action(description=_("Mark as spam (stops its e-mails)"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._change_status(request, queryset, Enquiry.Status.SPAM)

    @admin.action(
        description=_("Not spam: mark as new and send its e-mails"), permissions=["change"]
    )
    def mark_not_spam(self, request, queryset):
        queued = 0
        for enquiry in queryset.filter(status=Enquiry.Status.SPAM, anonymised__isnull=True):
            enquiry.change_status(Enquiry.Status.NEW, request.user)
            enquiry.schedule_deliveries()
            enquiry.deliveries.filter(state=Delivery.State.CANCELLED).update(
                state=Delivery.State.PENDING, next_attempt=timezone.now()
            )
            queued += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d enquiry restored; its e-mails are queued.",
                "%(count)d enquiries restored; their e-mails are queued.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )

    @admin.action(description=_("Forward to the association"), permissions=["change"])
    def forward_to_association(self, request, queryset):
        """Only with the resident's consent and to an association with an e-mail address;
        the association gets what the resident sent, the resident a notice in their language."""
        refused = {"no_consent": [], "no_address": [], "closed": [], "already": []}
        forwarded = 0
        for enquiry in queryset.select_related("association"):
            reason = enquiry.why_not_forwardable()
            if reason:
                refused[reason].append(enquiry.reference)
            elif enquiry.forward_to_association(request.user):
                forwarded += 1
        if forwarded:
            self.message_user(
                request,
                ngettext(
                    "%(count)d enquiry forwarded to its association; the resident is told.",
                    "%(count)d enquiries forwarded to their associations; the residents are told.",
                    forwarded,
                )
                % {"count": forwarded},
                messages.SUCCESS,
            )
        explanations = {
            "no_consent": _("Not forwarded, the resident did not agree: %(references)s"),
            "no_address": _("Not forwarded, the association has no e-mail address: %(references)s"),
            "closed": _("Not forwarded, marked as spam or anonymised: %(references)s"),
            "already": _("Not forwarded again, already forwarded: %(references)s"),
        }
        for reason, references in refused.items():
            if references:
                self.message_user(
                    request,
                    explanations[reason] % {"references": ", ".join(references)},
                    messages.WARNING,
                )

    @admin.action(description=_("Send their waiting or failed e-mails now"), permissions=["change"])
    def retry_deliveries(self, request, queryset):
        count = Delivery.objects.filter(
            enquiry__in=queryset.exclude(status=Enquiry.Status.SPAM)
        ).send_again_now()
        report_sending_again(self, request, count)

    @admin.action(description=_("Export selected enquiries as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="enquiries-{stamp}.csv"'
        # A byte-order mark so that Excel in Japan opens UTF-8 correctly.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([Enquiry._meta.get_field(name).verbose_name for name in CSV_COLUMNS])
        rows = queryset.select_related("topic", "division", "association", "prefecture")
        for enquiry in rows.order_by("created"):
            writer.writerow(
                [
                    spreadsheet_safe(
                        enquiry.get_status_display()
                        if name == "status"
                        else enquiry.reply_language_label()
                        if name == "reply_language"
                        else getattr(enquiry, name)
                    )
                    for name in CSV_COLUMNS
                ]
            )
        return response


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("enquiry", "kind", "state", "attempts", "next_attempt", "sent", "reason")
    list_filter = ("state", "kind")
    search_fields = ("enquiry__reference", "message_id")
    list_select_related = ("enquiry",)
    fields = (
        "enquiry",
        "kind",
        "state",
        "message_id",
        "recipients",
        "attempts",
        "next_attempt",
        "leased_until",
        "sent",
        "last_error",
        "data_sent",
        "unknown_outcomes",
        "created",
    )
    readonly_fields = fields
    actions = ("retry_now",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reason"), ordering="last_error")
    def reason(self, delivery):
        # Why a message is not (yet) sent; shown only where it matters, shortened.
        if delivery.state in (Delivery.State.SENT, Delivery.State.CANCELLED):
            return ""
        return Truncator(delivery.last_error).chars(120)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        report_sending_again(self, request, queryset.send_again_now())
