"""Demo data of the Mandate Plan: the seed balance, a few marked demo commitments, and
(`--scale city`) a city-sized plan for benchmarks and load tests.

Everything is keyed by (mandate, code) and (commitment, period), so loading twice
leaves the same data.
"""

import random
from decimal import Decimal

from django.core.management import call_command

from commitments.models import Entry, Figure, Mandate, PlanNode, Status
from governance.models import Area

DEMO_MARK = "[Demostració]"

# code, priority, area number, text
DEMO_COMMITMENTS = [
    (
        "3",
        1,
        4,
        "Impulsarem un pla de xoc contra l'atur de llarga durada amb itineraris personalitzats.",
    ),
    ("8", 1, 4, "Crearem un espai d'acompanyament a l'emprenedoria als polígons industrials."),
    (
        "18",
        2,
        3,
        "Ampliarem la xarxa d'habitatge d'inclusió per a persones en situació de vulnerabilitat.",
    ),
    ("24", 2, 3, "Reforçarem l'atenció domiciliària a la gent gran que viu sola."),
    ("27", 2, 3, "Garantirem l'accés als subministraments bàsics de les llars amb menys recursos."),
    ("35", 3, 1, "Renovarem l'enllumenat públic amb tecnologia de baix consum."),
    ("41", 3, 1, "Ampliarem la xarxa de carrils bici i connectarem els barris amb el centre."),
    ("52", 4, 2, "Publicarem les dades municipals en obert al portal de Govern Obert."),
    ("57", 4, 2, "Simplificarem els tràmits en línia de la seu electrònica."),
    (
        "66",
        5,
        5,
        "Programarem una temporada estable d'arts escèniques als equipaments de proximitat.",
    ),
]


def load(*, scale, stdout):
    call_command("loaddata", "mandate_plan", verbosity=0)
    mandate = Mandate.objects.get(term="2015-2019")
    _load_demo_commitments(mandate)
    if scale == "city":
        _load_city_plan_2015(mandate)
        _load_city_plan_2019(Mandate.objects.get(term="2019-2023"))
    stdout.write(
        f"commitments: {PlanNode.objects.leaves().count()} leaves, {Entry.objects.count()} entries."
    )


def _load_demo_commitments(mandate):
    level = mandate.levels.get(depth=1)
    priorities = {node.code: node for node in PlanNode.objects.filter(mandate=mandate, parent=None)}
    areas = {area.number: area for area in Area.objects.all()}
    statuses = list(Status.objects.filter(mandate=mandate).exclude(category="dropped"))
    periods = list(mandate.periods.all())
    for index, (code, priority, area_number, text) in enumerate(DEMO_COMMITMENTS):
        node, _ = PlanNode.objects.update_or_create(
            mandate=mandate,
            level=level,
            code=code,
            defaults={
                "parent": priorities[str(priority)],
                "text": f"{DEMO_MARK} {text}",
                "area": areas[area_number],
            },
        )
        # Every other demo commitment is still missing its entry for the open period,
        # so «Els meus compromisos» has work to show.
        for position, period in enumerate(periods):
            if period.is_open and index % 2:
                continue
            status = statuses[(index + position) % len(statuses)]
            entry, created = Entry.objects.update_or_create(
                node=node,
                period=period,
                defaults={
                    "status": status,
                    "observations": (
                        f"{DEMO_MARK} Actuacions del {period.label.lower()}:\n"
                        f"- {12 + position * 3} sessions realitzades.\n"
                        f"- {40 + position * 11} persones participants."
                    ),
                },
            )
            if created:
                Figure.objects.create(
                    entry=entry,
                    position=1,
                    label="Persones participants",
                    value=40 + position * 11,
                    unit="persones",
                    women=22 + position * 6,
                    men=18 + position * 5,
                )


def _load_city_plan_2015(mandate):
    """150 commitments in the 2015-2019 shape, each with entries for the 8 semesters."""
    rng = random.Random(2015)
    level = mandate.levels.get(depth=1)
    priorities = list(PlanNode.objects.filter(mandate=mandate, parent=None).order_by("path"))
    areas = list(Area.objects.all())
    existing = set(PlanNode.objects.filter(level=level).values_list("code", flat=True))
    nodes = []
    for number in range(1, 151):
        if str(number) in existing:
            continue
        node = PlanNode(
            mandate=mandate,
            level=level,
            parent=priorities[min((number - 1) * len(priorities) // 150, len(priorities) - 1)],
            code=str(number),
            text=f"[Dades generades] Compromís núm. {number}: " + _filler(rng),
            area=rng.choice(areas),
        )
        node.set_tree_fields(leaf_depth=1)
        nodes.append(node)
    PlanNode.objects.bulk_create(nodes)
    _bulk_entries(mandate, rng, with_progress=False)


def _load_city_plan_2019(mandate):
    """7 objectives, 70 axes and 825 actions, each action with entries for 8 semesters."""
    if PlanNode.objects.filter(mandate=mandate).leaves().count() >= 825:
        return
    rng = random.Random(2019)
    levels = {level.depth: level for level in mandate.levels.all()}
    areas = list(Area.objects.all())
    objectives = []
    for number in range(1, 8):
        node = PlanNode(
            mandate=mandate,
            level=levels[0],
            code=str(number),
            text=f"[Dades generades] Objectiu {number}: " + _filler(rng),
            sdgs=sorted(rng.sample(range(1, 18), 3)),
        )
        node.set_tree_fields(leaf_depth=2)
        objectives.append(node)
    PlanNode.objects.bulk_create(objectives)
    axes = []
    for number in range(1, 71):
        node = PlanNode(
            mandate=mandate,
            level=levels[1],
            parent=objectives[(number - 1) // 10],
            code=str(number),
            text=f"[Dades generades] Eix {number}: " + _filler(rng),
        )
        node.set_tree_fields(leaf_depth=2)
        axes.append(node)
    PlanNode.objects.bulk_create(axes)
    # 825 actions over 70 axes: 55 axes with 12 actions and 15 with 11.
    actions = []
    for index, axis in enumerate(axes):
        for number in range(1, (12 if index < 55 else 11) + 1):
            node = PlanNode(
                mandate=mandate,
                level=levels[2],
                parent=axis,
                code=f"{axis.code}.{number}",
                text=f"[Dades generades] Actuació {axis.code}.{number}: " + _filler(rng),
                area=rng.choice(areas),
            )
            node.set_tree_fields(leaf_depth=2)
            actions.append(node)
    PlanNode.objects.bulk_create(actions)
    _bulk_entries(mandate, rng, with_progress=True)


def _bulk_entries(mandate, rng, *, with_progress):
    statuses = list(Status.objects.filter(mandate=mandate))
    periods = list(mandate.periods.all())
    leaves = PlanNode.objects.filter(mandate=mandate).leaves().filter(entries__isnull=True)
    entries = []
    for node in leaves:
        progress = Decimal(0)
        for period in periods:
            if period.is_open and rng.random() < 0.3:
                continue
            status = rng.choice(statuses)
            if with_progress:
                progress = min(Decimal(100), progress + Decimal(rng.randint(0, 20)))
            entries.append(
                Entry(
                    node=node,
                    period=period,
                    status=status,
                    progress=progress if with_progress else None,
                    reason="Reprogramat per canvi de prioritat." if status.requires_reason else "",
                    observations=(
                        "S'han dut a terme les actuacions previstes per al "
                        f"{period.label.lower()}:\n"
                        f"- {rng.randint(1, 400)} persones ateses.\n"
                        f"- {rng.randint(1, 30)} sessions de treball amb serveis municipals."
                    ),
                )
            )
    Entry.objects.bulk_create(entries, batch_size=2000)
    figures = [
        Figure(
            entry=entry,
            position=1,
            label="Persones ateses",
            value=total,
            unit="persones",
            women=total // 2,
            men=total - total // 2,
        )
        for entry, total in (
            (entry, rng.randint(10, 400))
            for entry in Entry.objects.filter(node__mandate=mandate, figures__isnull=True)
        )
    ]
    Figure.objects.bulk_create(figures, batch_size=2000)


WORDS = [
    "impulsarem",
    "millorarem",
    "garantirem",
    "ampliarem",
    "el",
    "la",
    "programa",
    "servei",
    "espai",
    "xarxa",
    "ciutat",
    "barris",
    "persones",
    "entitats",
    "participació",
    "sostenibilitat",
    "ocupació",
    "habitatge",
    "cultura",
    "educació",
    "salut",
    "mobilitat",
    "comerç",
    "innovació",
    "igualtat",
    "accessibilitat",
    "equipaments",
]


def _filler(rng) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 24))).capitalize() + "."
