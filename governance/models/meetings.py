"""The bodies' meetings and the agreements taken at them."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models.bodies import Body, Person
from governance.models.organisation import (
    DESCRIPTION_MAX_LENGTH,
    MINUTES_MAX_LENGTH,
    OBSERVATIONS_MAX_LENGTH,
    subquery_total,
)
from terrassa_plis import formatting
from terrassa_plis.history import ChangeHistory
from terrassa_plis.richtext import CleanHTMLField, RichTextModel
from terrassa_plis.text_bounds import bounded


class MeetingQuerySet(models.QuerySet):
    def with_counts(self):
        """Meetings newest first, each with its body, `attendee_count` and
        `open_agreement_count`. Subqueries rather than joins, so attendees and agreements
        don't multiply each other."""
        attendees = Meeting.attendees.through.objects.filter(meeting=models.OuterRef("pk"))
        open_agreements = Agreement.objects.filter(
            meeting=models.OuterRef("pk"), done_on__isnull=True
        )
        return (
            self.select_related("body")
            .annotate(
                attendee_count=subquery_total(attendees, "meeting"),
                open_agreement_count=subquery_total(open_agreements, "meeting"),
            )
            .order_by("-date", "-pk")
        )

    def of_body(self, body):
        """The meetings of `body`; all of them when `body` is None."""
        return self if body is None else self.filter(body=body)


class Meeting(RichTextModel):
    rich_text_fields = {"agenda": "agenda_html", "minutes": "minutes_html"}

    body = models.ForeignKey(
        Body, verbose_name=_("òrgan"), related_name="meetings", on_delete=models.PROTECT
    )
    date = models.DateField(_("data"))
    agenda = models.TextField(_("ordre del dia"), blank=True, **bounded(OBSERVATIONS_MAX_LENGTH))
    minutes = models.TextField(_("acta"), blank=True, **bounded(MINUTES_MAX_LENGTH))
    agenda_html = CleanHTMLField(_("ordre del dia (HTML)"))
    minutes_html = CleanHTMLField(_("acta (HTML)"))
    attendees = models.ManyToManyField(
        Person, verbose_name=_("assistents"), blank=True, related_name="meetings"
    )

    objects = MeetingQuerySet.as_manager()

    history = ChangeHistory(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date"]
        verbose_name = _("reunió")
        verbose_name_plural = _("reunions")

    def __str__(self):
        return f"{self.body} · {formatting.day(self.date)}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.pk])


class AgreementQuerySet(models.QuerySet):
    def pending(self, today):
        """Agreements not done, with their owner and meeting's body: the late ones (due
        before `today`) first, then by due date (those without one last)."""
        return (
            self.filter(done_on__isnull=True)
            .select_related("owner", "meeting__body")
            .annotate(
                late_rank=models.Case(
                    models.When(due__lt=today, then=models.Value(0)),
                    default=models.Value(1),
                    output_field=models.IntegerField(),
                ),
                has_due=models.Case(
                    models.When(due__isnull=True, then=models.Value(False)),
                    default=models.Value(True),
                    output_field=models.BooleanField(),
                ),
            )
            .order_by("late_rank", "-has_due", "due", "meeting__date", "pk")
        )

    def of_body(self, body):
        """The agreements of `body`'s meetings; all of them when `body` is None."""
        return self if body is None else self.filter(meeting__body=body)


class Agreement(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("reunió"), related_name="agreements", on_delete=models.CASCADE
    )
    text = models.TextField(_("acord"), **bounded(DESCRIPTION_MAX_LENGTH))
    owner = models.ForeignKey(
        Person, verbose_name=_("responsable"), null=True, blank=True, on_delete=models.PROTECT
    )
    due = models.DateField(_("termini"), null=True, blank=True)
    done_on = models.DateField(_("complert el"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("acord")
        verbose_name_plural = _("acords")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.meeting_id])
