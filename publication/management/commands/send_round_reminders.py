"""Remind technicians of what a reporting round still misses from them.

Cron runs it daily. For every open or in-review round whose deadline is
`reminder_days` days away, or is today, each technician with missing items gets one
e-mail listing them with a link to fill each in. On any other day it sends nothing.
"""

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from publication.rounds import build_completion, rounds_due
from terrassa_plis import events, formatting


def _round_title(round) -> str:
    if round.period_id:
        return f"{round.period.mandate.name} · {round.period.label}"
    return _("Cartes de serveis %(year)s") % {"year": round.year}


class Command(BaseCommand):
    help = (
        "Envia els recordatoris de les rondes de seguiment obertes: el dia que falten "
        "els dies d'avís per al termini i el mateix dia del termini."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="La data que es pren com a avui, AAAA-MM-DD (per defecte, avui).",
        )

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today ha de ser una data AAAA-MM-DD, no «{today}».") from None
        base_url = settings.SITE_URL.rstrip("/")
        with translation.override("ca"):
            sent = self._send(day, base_url)
        events.reminders.info(
            "Reminder run for %s by %s: %s e-mails sent.", day, events.actor(None), sent
        )
        if not sent:
            self.stdout.write(f"Cap recordatori per enviar el {formatting.day(day)}.")

    def _send(self, day: date, base_url: str) -> int:
        sent = 0
        connection = get_connection()
        for round in rounds_due(day):
            title = _round_title(round)
            deadline = formatting.day(round.deadline)
            completion = build_completion(round)
            messages = []
            for reminder in completion.reminders():
                user = reminder.user
                if not user.email:
                    self.stdout.write(
                        f"Sense adreça: {reminder.name} ({user.get_username()}) · {title} · "
                        f"pendents: {len(reminder.items)}; no s'ha enviat."
                    )
                    continue
                body = render_to_string(
                    "publication/email/reminder.txt",
                    {
                        "name": reminder.name,
                        "round_title": title,
                        "deadline": round.deadline,
                        "items": reminder.items,
                        "base_url": base_url,
                    },
                )
                subject = _("Recordatori: «%(round)s», termini el %(deadline)s") % {
                    "round": title,
                    "deadline": deadline,
                }
                messages.append(EmailMessage(subject, body, to=[user.email]))
                self.stdout.write(
                    f"Recordatori a {reminder.name} <{user.email}> · {title} · termini "
                    f"{deadline} · pendents: {len(reminder.items)}."
                )
            if messages:
                sent += connection.send_messages(messages) or 0
        return sent
