"""Demo data of the PLIS: the seed's plan and bodies, fictional people sitting in part
of the seats, meetings with agreements, the action plan with its decisions and
implementation, and the drafting calendar. `scale="city"` adds city-sized data for
the benchmarks: 120 actions with 8 periods of implementation each, 60 members and
40 meetings.

Keyed by names, codes, titles and dates, so loading twice leaves the same data. The
dates that must stay in the future (or just past) to show a pending or a late item
are counted from today and rewritten on each load.
"""

from datetime import date, timedelta
from itertools import cycle

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from governance.models import (
    ActionDecision,
    ActionImplementation,
    Agreement,
    Area,
    Body,
    BodyRole,
    Meeting,
    Membership,
    Milestone,
    Person,
    Plan,
    PlanAction,
    PoliticalGroup,
    Seat,
    Service,
)
from terrassa_plis.text_search import filled

OTL = "oficina-tecnica-local"
FOLLOW_UP = "comissio-politic-tecnica-de-seguiment"
TRANSVERSAL = "comissio-tecnica-transversal"

DEMO_USERNAME = "tecnic"
SINCE = date(2016, 1, 1)
GENERATED = "[Dades generades]"

CITY_ACTIONS = 120
CITY_MEMBERS = 60
CITY_MEETINGS = 40
CITY_PERIODS = [f"{year}-S{half}" for year in range(2021, 2025) for half in (1, 2)]

POLITICAL_GROUPS = [
    "Grup Municipal Alfa (demo)",
    "Grup Municipal Beta (demo)",
    "Grup Municipal Gamma (demo)",
    "Grup Municipal Delta (demo)",
]

# The 18 technicians of the transversal commission (of the 22 the plan expects):
# (name, area number, service name or None). The first one is the demo user `tecnic`.
TECHNICIANS = [
    ("Marta Exemple Vidal", 3, "Servei de Ciutadania"),
    ("Pau Mostra Serra", 3, "Servei de Primera Acollida"),
    ("Núria Prova Soler", 3, "Servei de Solidaritat i Cooperació Internacional"),
    ("Jordi Assaig Puig", 3, None),
    ("Laia Exemple Ferrer", 3, None),
    ("Oriol Mostra Roca", 1, None),
    ("Clara Prova Mas", 1, None),
    ("Marc Assaig Costa", 1, None),
    ("Anna Exemple Font", 2, None),
    ("Sergi Mostra Riera", 2, None),
    ("Júlia Prova Casals", 2, None),
    ("Albert Assaig Vila", 4, None),
    ("Berta Exemple Pons", 4, None),
    ("Eloi Mostra Sala", 4, None),
    ("Carla Prova Vives", 4, None),
    ("Roger Assaig Camps", 5, None),
    ("Mireia Exemple Bosch", 5, None),
    ("Xavier Mostra Grau", 5, None),
]
# A technician who left: the older meetings still list them.
FORMER_TECHNICIAN = ("Gemma Prova Rius", 1, date(2025, 12, 31))

# The OTL's technicians: they make up the OTL and, as the seed composes it, sit in the
# follow-up commission too.
OTL_TECHNICIANS = ["Ivet Assaig Pujol", "Arnau Exemple Nadal"]
# Directors of areas 1 to 4: the fifth seat is still empty.
DIRECTORS = [
    ("Rosa Mostra Valls", 1),
    ("Enric Prova Sabater", 2),
    ("Teresa Assaig Miró", 3),
    ("Joan Exemple Comas", 4),
]
SPOKESPEOPLE = [
    ("Dolors Mostra Farré", "Grup Municipal Alfa (demo)"),
    ("Ferran Prova Oliver", "Grup Municipal Beta (demo)"),
]

# body slug, date, agenda, minutes, who attended (names), agreements:
# (text, owner name, due: a date or days from today, done_on or None)
MEETINGS = [
    (
        TRANSVERSAL,
        date(2025, 11, 18),
        "1. Presentació de les accions proposades per a l'eix 1.\n"
        "2. Valoració i validació de les accions 1.1.1, 1.1.2 i 1.2.1.\n"
        "3. Torn obert de paraules.",
        "La comissió valora les accions proposades de l'eix 1 i **valida** les accions "
        "1.1.1, 1.1.2 i 1.2.1.\n"
        "- L'acció 1.2.2 queda pendent de la fitxa de l'Àrea 4.\n"
        "- Es demana a l'OTL que prepari el calendari de seguiment.",
        [name for name, _area, _service in TECHNICIANS[:12]] + [FORMER_TECHNICIAN[0]],
        [
            (
                "Enviar a l'Àrea 4 la fitxa de l'acció 1.2.2 per completar-la.",
                "Albert Assaig Vila",
                date(2025, 12, 19),
                date(2025, 12, 15),
            ),
            (
                "Preparar el calendari de seguiment de les accions validades.",
                "Marta Exemple Vidal",
                date(2026, 1, 31),
                date(2026, 1, 28),
            ),
        ],
    ),
    (
        FOLLOW_UP,
        date(2026, 2, 24),
        "1. Estat de la redacció del Pla.\n2. Seguiment del calendari previst.",
        "Les direccions d'àrea revisen l'estat de la redacció i el calendari.\n"
        "- La presentació de l'esborrany es manté per a la tardor.",
        [name for name, _area in DIRECTORS[:3]]
        + [name for name, _group in SPOKESPEOPLE]
        + OTL_TECHNICIANS,
        [
            (
                "Revisar el calendari de redacció i proposar-ne les noves dates.",
                "Ivet Assaig Pujol",
                -30,
                None,
            ),
            (
                "Informar els grups municipals de les accions validades.",
                "Arnau Exemple Nadal",
                date(2026, 3, 31),
                date(2026, 3, 20),
            ),
        ],
    ),
    (
        TRANSVERSAL,
        date(2026, 6, 16),
        "1. Valoració de les accions proposades de l'eix 2.\n"
        "2. Seguiment del grau d'implementació del primer semestre.",
        "La comissió valida les accions 2.1.1 i 2.2.1 i rebutja l'acció 2.1.2.\n"
        "- El grau d'implementació s'actualitzarà al tancament del semestre.",
        [name for name, _area, _service in TECHNICIANS[2:17]],
        [
            (
                "Recollir el grau d'implementació del primer semestre de cada acció.",
                "Pau Mostra Serra",
                45,
                None,
            ),
        ],
    ),
    (
        FOLLOW_UP,
        date(2026, 10, 20),
        "1. Retiment de comptes del pla d'acció.\n2. Propostes de noves accions.",
        "",
        [name for name, _area in DIRECTORS] + [SPOKESPEOPLE[0][0]] + OTL_TECHNICIANS[:1],
        [
            (
                "Presentar l'esborrany del Pla a la comissió.",
                "Teresa Assaig Miró",
                90,
                None,
            ),
        ],
    ),
]

AXIS_1 = "Eix 1. Inclusió laboral i formació"
AXIS_2 = "Eix 2. Habitatge i vida digna"
LINE_11 = "1.1 Itineraris d'inserció sociolaboral"
LINE_12 = "1.2 Formació per a l'ocupació"
LINE_21 = "2.1 Accés a l'habitatge"
LINE_22 = "2.2 Pobresa energètica"

# code, title, axis, line, areas, proposed by, decision, decided on, reason,
# implementation: [(period, degree, observations)]
ACTIONS = [
    (
        "1.1.1",
        "Itineraris personalitzats d'inserció per a persones en atur de llarga durada",
        AXIS_1,
        LINE_11,
        [4],
        "Servei d'Ocupació",
        ActionDecision.VALIDATED,
        date(2025, 11, 18),
        "",
        [
            ("2025-S2", 20, "S'han iniciat els primers 30 itineraris."),
            ("2026-S1", 55, "85 persones en itinerari; 22 inserides."),
            ("2026-S2", 70, ""),
        ],
    ),
    (
        "1.1.2",
        "Clàusules socials en la contractació municipal",
        AXIS_1,
        LINE_11,
        [2, 4],
        "Servei de Contractació",
        ActionDecision.VALIDATED,
        date(2025, 11, 18),
        "",
        [("2025-S2", 10, ""), ("2026-S1", 40, "Aprovada la instrucció de clàusules socials.")],
    ),
    (
        "1.2.1",
        "Cursos de competències digitals bàsiques als centres cívics",
        AXIS_1,
        LINE_12,
        [3, 5],
        "Servei de Ciutadania",
        ActionDecision.VALIDATED,
        date(2025, 11, 18),
        "",
        [("2026-S1", 60, "12 cursos i 180 participants.")],
    ),
    (
        "1.2.2",
        "Formació en oficis amb pràctiques a empreses del territori",
        AXIS_1,
        LINE_12,
        [4],
        "Àrea de Desenvolupament Econòmic",
        ActionDecision.PROPOSED,
        None,
        "",
        [],
    ),
    (
        "2.1.1",
        "Borsa d'habitatge de lloguer social",
        AXIS_2,
        LINE_21,
        [1, 3],
        "Servei d'Habitatge",
        ActionDecision.VALIDATED,
        date(2026, 6, 16),
        "",
        [("2026-S1", 15, "Conveni signat amb dues entitats.")],
    ),
    (
        "2.1.2",
        "Construcció d'un nou equipament d'allotjament temporal",
        AXIS_2,
        LINE_21,
        [1],
        "Servei d'Habitatge",
        ActionDecision.REJECTED,
        date(2026, 6, 16),
        "No té dotació pressupostària en aquest mandat; es tornarà a valorar a la propera "
        "actualització del Pla.",
        [],
    ),
    (
        "2.2.1",
        "Punt d'assessorament energètic per a llars vulnerables",
        AXIS_2,
        LINE_22,
        [1, 3],
        "Servei de Medi Ambient i Sostenibilitat",
        ActionDecision.VALIDATED,
        date(2026, 6, 16),
        "",
        [("2026-S1", 30, ""), ("2026-S2", 45, "")],
    ),
    (
        "2.2.2",
        "Ajuts per a la rehabilitació energètica d'habitatges",
        AXIS_2,
        LINE_22,
        [1],
        "Servei d'Habitatge",
        ActionDecision.PROPOSED,
        None,
        "",
        [],
    ),
]

# title, planned on (a date or days from today), done on (a date or None)
MILESTONES = [
    ("Diagnosi social actualitzada", date(2025, 6, 30), date(2025, 6, 20)),
    (
        "Validació de les accions per la comissió tècnica transversal",
        date(2025, 12, 15),
        date(2025, 11, 18),
    ),
    ("Presentació de l'esborrany a la comissió polític-tècnica", -75, None),
    ("Aprovació inicial del Pla pel Ple", 60, None),
    ("Aprovació definitiva i publicació del Pla", 150, None),
]


def load(*, scale, stdout=None, factor=1):
    if not Area.objects.exists():
        call_command("loaddata", "organisation", verbosity=0)
    call_command("loaddata", "plis", verbosity=0)
    today = timezone.localdate()
    plan = Plan.objects.current()
    bodies = {body.slug: body for body in Body.objects.filter(plan=plan)}
    areas = {area.number: area for area in Area.objects.all()}
    people = _load_people(bodies, areas)
    _link_demo_user(people[TECHNICIANS[0][0]])
    _load_meetings(bodies, people, today)
    _load_actions(plan, areas)
    _load_milestones(plan, today)
    if scale == "city":
        _load_city_members(bodies, factor)
        _load_city_meetings(bodies, today, factor)
        _load_city_actions(plan, areas, factor)
    if stdout is not None:
        stdout.write(
            f"governance (PLIS): {Membership.objects.count()} membres, "
            f"{Meeting.objects.count()} reunions, {PlanAction.objects.count()} accions, "
            f"{Milestone.objects.count()} fites del calendari."
        )


def _update(instance: models.Model, values: dict) -> bool:
    """Set `values` on `instance`, saving only if one changed: a save without a change
    would add a line to the history on every load."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save()
    return bool(changed)


def _get_or_create(model, lookup: dict, values: dict | None = None):
    instance = model.objects.filter(**lookup).order_by("pk").first()
    if instance is None:
        return model.objects.create(**lookup, **(values or {}))
    _update(instance, values or {})
    return instance


def _day(value, today: date) -> date:
    """A fixed date, or a number of days from today."""
    return today + timedelta(days=value) if isinstance(value, int) else value


def _seat(body: Body, position: int) -> Seat:
    return Seat.objects.get(body=body, position=position)


def _person(name: str) -> Person:
    return _get_or_create(Person, {"name": name}, {"email": _email(name)})


def _email(name: str) -> str:
    first, *rest = name.lower().split()
    return f"{first}.{rest[0] if rest else 'demo'}@exemple.invalid"


def _seat_person(person, seat, *, start=SINCE, end=None, **values) -> Membership:
    return _get_or_create(
        Membership, {"person": person, "seat": seat, "start": start}, {"end": end, **values}
    )


def _load_people(bodies, areas) -> dict[str, Person]:
    groups = {name: _get_or_create(PoliticalGroup, {"name": name}) for name in POLITICAL_GROUPS}
    services = {service.name: service for service in Service.objects.all()}
    technicians_seat = _seat(bodies[TRANSVERSAL], 2)
    people = {}
    for name, area_number, service_name in TECHNICIANS:
        people[name] = person = _person(name)
        _seat_person(
            person,
            technicians_seat,
            area=areas[area_number],
            service=services.get(service_name) if service_name else None,
        )
    name, area_number, end = FORMER_TECHNICIAN
    people[name] = person = _person(name)
    _seat_person(person, technicians_seat, end=end, area=areas[area_number])
    # The first technician chairs the commission, the second is its secretary.
    Membership.objects.filter(person=people[TECHNICIANS[0][0]], seat=technicians_seat).update(
        body_role=BodyRole.CHAIR
    )
    Membership.objects.filter(person=people[TECHNICIANS[1][0]], seat=technicians_seat).update(
        body_role=BodyRole.SECRETARY
    )

    follow_up = bodies[FOLLOW_UP]
    planning = services.get("Servei de Planificació Estratègica")
    for name in OTL_TECHNICIANS:
        people[name] = person = _person(name)
        for seat in (_seat(bodies[OTL], 1), _seat(follow_up, 7)):
            _seat_person(person, seat, area=areas[3], service=planning)
    for name, area_number in DIRECTORS:
        people[name] = person = _person(name)
        _seat_person(
            person,
            _seat(follow_up, 5),
            area=areas[area_number],
            body_role=BodyRole.CHAIR if area_number == 3 else BodyRole.MEMBER,
        )
    for name, group_name in SPOKESPEOPLE:
        people[name] = person = _person(name)
        _seat_person(person, _seat(follow_up, 1), political_group=groups[group_name])
    return people


def _link_demo_user(person: Person) -> None:
    """The demo technician sits in the transversal commission, so the validation
    workflow can be tried with that login."""
    user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    if user is None or person.user_id == user.pk:
        return
    if Person.objects.filter(user=user).exists() or person.user_id is not None:
        return
    person.user = user
    person.save(update_fields=["user"])


def _load_meetings(bodies, people, today):
    for slug, day, agenda, minutes, attendees, agreements in MEETINGS:
        meeting = _get_or_create(
            Meeting, {"body": bodies[slug], "date": day}, {"agenda": agenda, "minutes": minutes}
        )
        meeting.attendees.set([people[name] for name in attendees])
        for text, owner, due, done_on in agreements:
            _get_or_create(
                Agreement,
                {"meeting": meeting, "text": text},
                {"owner": people[owner], "due": _day(due, today), "done_on": done_on},
            )


def _load_actions(plan, areas):
    for (
        code,
        title,
        axis,
        line,
        area_numbers,
        proposed_by,
        decision,
        decided_on,
        reason,
        implementation,
    ) in ACTIONS:
        action = _get_or_create(
            PlanAction,
            {"plan": plan, "code": code},
            {
                "title": title,
                "axis": axis,
                "line": line,
                "proposed_by": proposed_by,
                "decision": decision,
                "decided_on": decided_on,
                "decision_reason": reason,
            },
        )
        wanted = {areas[number].pk for number in area_numbers}
        if set(action.areas.values_list("pk", flat=True)) != wanted:
            action.areas.set(wanted)
        for period, degree, observations in implementation:
            _get_or_create(
                ActionImplementation,
                {"action": action, "period": period},
                {"degree": degree, "observations": observations},
            )


def _load_milestones(plan, today):
    for title, planned_on, done_on in MILESTONES:
        _get_or_create(
            Milestone,
            {"plan": plan, "title": title},
            {"planned_on": _day(planned_on, today), "done_on": done_on},
        )


# City scale: bulk data for the benchmarks, created only where missing.


def _load_city_members(bodies, factor=1):
    missing = CITY_MEMBERS * factor - Membership.objects.count()
    if missing <= 0:
        return
    # The diagnosis seat of the transversal commission has no count to overflow.
    seat = _seat(bodies[TRANSVERSAL], 1)
    existing = Membership.objects.filter(seat=seat, person__name__startswith=GENERATED).count()
    areas = cycle(Area.objects.order_by("number"))
    for number in range(existing + 1, existing + missing + 1):
        person = _person(f"{GENERATED} Persona {number:03d}")
        _seat_person(person, seat, start=date(2020, 1, 1), area=next(areas))


def _load_city_meetings(bodies, today, factor=1):
    missing = CITY_MEETINGS * factor - Meeting.objects.count()
    if missing <= 0:
        return
    taken = set(Meeting.objects.values_list("body_id", "date"))
    candidates = [
        (body, date(2021, 1, 12) + timedelta(weeks=4 * index))
        for index, body in zip(
            range(200 * factor), cycle([bodies[TRANSVERSAL], bodies[FOLLOW_UP]]), strict=False
        )
    ]
    members_by_body = {}
    for membership in Membership.objects.filter(
        seat__body__in=[bodies[TRANSVERSAL], bodies[FOLLOW_UP]]
    ).select_related("seat"):
        members_by_body.setdefault(membership.seat.body_id, []).append(membership)
    attendances, agreements = [], []
    Attendance = Meeting.attendees.through
    for body, day in candidates:
        if missing <= 0:
            break
        if (body.pk, day) in taken:
            continue
        meeting = Meeting.objects.create(
            body=body,
            date=day,
            agenda=f"{GENERATED} 1. Seguiment del pla d'acció.\n2. Torn obert de paraules.",
            minutes=f"{GENERATED} S'ha revisat el seguiment de les accions.",
        )
        missing -= 1
        present = [
            membership.person_id
            for index, membership in enumerate(members_by_body.get(body.pk, []))
            if membership.start <= day
            and (membership.end is None or membership.end >= day)
            and index % 3 != 0
        ]
        attendances += [Attendance(meeting=meeting, person_id=pk) for pk in dict.fromkeys(present)]
        owner = present[0] if present else None
        agreements += [
            Agreement(
                meeting=meeting,
                text=f"{GENERATED} Actualitzar el grau d'implementació de les accions.",
                owner_id=owner,
                due=day + timedelta(days=30),
                done_on=day + timedelta(days=25),
            ),
            Agreement(
                meeting=meeting,
                text=f"{GENERATED} Preparar les fitxes de les noves accions.",
                owner_id=owner,
                due=today + timedelta(days=60),
                done_on=None if meeting.pk % 5 == 0 else day + timedelta(days=40),
            ),
        ]
    Attendance.objects.bulk_create(attendances)
    Agreement.objects.bulk_create(agreements)


def _load_city_actions(plan, areas, factor=1):
    existing = set(PlanAction.objects.filter(plan=plan).values_list("code", flat=True))
    missing = CITY_ACTIONS * factor - len(existing)
    if missing <= 0:
        return
    area_list = [areas[number] for number in sorted(areas)]
    new = []
    # Seven axes of 28 actions hold the 120 of the city; a factor adds axes of that size.
    for axis in range(3, 3 + 7 * factor):
        for line in range(1, 5):
            for number in range(1, 8):
                code = f"{axis}.{line}.{number}"
                if code in existing or len(new) >= missing:
                    continue
                new.append(
                    PlanAction(
                        plan=plan,
                        code=code,
                        title=f"{GENERATED} Acció {code}",
                        axis=f"Eix {axis}. {GENERATED}",
                        line=f"{axis}.{line} {GENERATED}",
                        proposed_by="Oficina Tècnica Local",
                        decision=ActionDecision.VALIDATED,
                        decided_on=date(2021, 1, 15),
                    )
                )
    actions = PlanAction.objects.bulk_create(filled(new))
    Through = PlanAction.areas.through
    Through.objects.bulk_create(
        Through(planaction_id=action.pk, area_id=area_list[index % len(area_list)].pk)
        for index, action in enumerate(actions)
    )
    ActionImplementation.objects.bulk_create(
        filled(
            ActionImplementation(
                action=action,
                period=period,
                degree=min(100, 10 * (position + 1) + (index % 4) * 5),
                observations="",
            )
            for index, action in enumerate(actions)
            for position, period in enumerate(CITY_PERIODS)
        )
    )
