"""Demo data of the Mandate Plan: the seed balance, a few marked demo commitments, a small
2019-2023 programme (objectives, axes, actions and their progress), and (`--scale city`)
city-sized plans for benchmarks and load tests, built by the same code.

Everything is keyed by (mandate, code) and (commitment, period), so loading twice
leaves the same data.
"""

import random
from decimal import Decimal

from django.core.management import call_command

from commitments.models import Entry, Figure, Mandate, PlanNode, Status, StatusCategory
from governance.models import Area

DEMO_MARK = "[Demostració]"
GENERATED = "[Dades generades]"

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

# The 2019-2023 programme at a small size, numbered as the city-sized one (objective n
# holds axes 10n-9 to 10n, as Eix 61 sits under objective 7):
# (code, text, SDGs, [(code, text, [(code, text, area number)])]).
DEMO_PLAN_2019 = [
    (
        "1",
        "Garantir els drets socials i la igualtat d'oportunitats de totes les persones.",
        [1, 5, 10],
        [
            (
                "1",
                "Atenció social de proximitat i lluita contra la pobresa.",
                [
                    (
                        "1.1",
                        "Reforçar els equips de serveis socials bàsics dels barris amb més "
                        "demanda.",
                        3,
                    ),
                    (
                        "1.2",
                        "Ampliar els ajuts d'urgència social per a l'alimentació i els "
                        "subministraments bàsics.",
                        3,
                    ),
                    ("1.3", "Obrir un nou centre de dia per a persones grans.", 3),
                ],
            ),
            (
                "2",
                "Igualtat de gènere i diversitat.",
                [
                    ("2.1", "Desplegar el Pla municipal per a la igualtat de gènere.", 3),
                    (
                        "2.2",
                        "Crear un servei d'atenció integral a les persones LGTBI.",
                        3,
                    ),
                ],
            ),
        ],
    ),
    (
        "2",
        "Impulsar una economia local dinàmica que generi ocupació de qualitat.",
        [8, 9],
        [
            (
                "11",
                "Ocupació i formació al llarg de la vida.",
                [
                    (
                        "11.1",
                        "Programes d'experiència laboral per a persones en atur de llarga durada.",
                        4,
                    ),
                    (
                        "11.2",
                        "Millorar la urbanització i els serveis dels polígons d'activitat "
                        "econòmica.",
                        4,
                    ),
                ],
            ),
        ],
    ),
    (
        "5",
        "Projectar Terrassa com a ciutat de la cultura, l'educació i la innovació.",
        [4, 11],
        [
            (
                "41",
                "Cultura de proximitat.",
                [
                    (
                        "41.1",
                        "Programar una temporada estable d'arts escèniques als centres cívics.",
                        5,
                    ),
                    ("41.2", "Ampliar l'horari de les biblioteques en època d'exàmens.", 5),
                ],
            ),
        ],
    ),
    (
        "6",
        "Un govern obert, transparent i proper a la ciutadania.",
        [16, 17],
        [
            (
                "51",
                "Govern obert i administració digital.",
                [
                    ("51.1", "Publicar en obert les dades dels contractes municipals.", 2),
                    ("51.2", "Fer que tots els tràmits es puguin fer per la seu electrònica.", 2),
                ],
            ),
        ],
    ),
    (
        "7",
        "Fer de Terrassa una ciutat sostenible, verda i ben connectada.",
        [7, 11, 13],
        [
            (
                "61",
                "Mobilitat sostenible i segura.",
                [
                    (
                        "61.1",
                        "Ampliar la xarxa de carrils bici fins a connectar tots els districtes.",
                        1,
                    ),
                    ("61.2", "Pacificar els entorns escolars.", 1),
                    (
                        "61.3",
                        "Renovar la flota d'autobusos urbans amb vehicles elèctrics i híbrids.",
                        1,
                    ),
                ],
            ),
            (
                "62",
                "Transició energètica.",
                [
                    (
                        "62.1",
                        "Instal·lar plaques fotovoltaiques a les cobertes dels equipaments "
                        "municipals.",
                        1,
                    ),
                ],
            ),
        ],
    ),
]


def load(*, scale, stdout, factor=1):
    call_command("loaddata", "mandate_plan", verbosity=0)
    mandate = Mandate.objects.get(term="2015-2019")
    _load_demo_commitments(mandate)
    programme = Mandate.objects.get(term="2019-2023")
    _load_plan_2019(programme, _marked(DEMO_PLAN_2019), random.Random(2023))
    if scale == "city":
        _load_city_plan_2015(mandate, factor)
        _load_city_plan_2019(programme, factor)
    stdout.write(
        f"commitments: {PlanNode.objects.leaves().count()} elements a seguir, "
        f"{Entry.objects.count()} seguiments."
    )


def _marked(objectives):
    """The demo's plan with every text marked as made up for the demo."""
    return [
        (
            code,
            f"{DEMO_MARK} {text}",
            sdgs,
            [
                (
                    axis,
                    f"{DEMO_MARK} {axis_text}",
                    [
                        (action, f"{DEMO_MARK} {action_text}", area)
                        for action, action_text, area in actions
                    ],
                )
                for axis, axis_text, actions in axes
            ],
        )
        for code, text, sdgs, axes in objectives
    ]


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


def _load_city_plan_2015(mandate, factor=1):
    """150 commitments in the 2015-2019 shape, each with entries for the 8 semesters;
    with a factor, as many more generated priorities as the plan has, each with the
    commitments of the one it copies (so a priority's page does not grow)."""
    rng = random.Random(2015)
    level = mandate.levels.get(depth=1)
    priorities = _extra_priorities(mandate, factor)
    areas = list(Area.objects.all())
    existing = set(PlanNode.objects.filter(level=level).values_list("code", flat=True))
    nodes = []
    per_copy = len(priorities) // factor
    for number in range(1, 150 * factor + 1):
        if str(number) in existing:
            continue
        copy, rank = divmod(number - 1, 150)
        position = min(rank * per_copy // 150, per_copy - 1)
        node = PlanNode(
            mandate=mandate,
            level=level,
            parent=priorities[copy * per_copy + position],
            code=str(number),
            text=f"{GENERATED} Compromís núm. {number}: " + _filler(rng),
            area=rng.choice(areas),
        )
        node.set_tree_fields(leaf_depth=1)
        node.fill_search_text()
        nodes.append(node)
    PlanNode.objects.bulk_create(nodes)
    _bulk_entries(mandate, rng)


def _extra_priorities(mandate, factor):
    """The plan's priorities, then `factor - 1` generated copies of them (made if missing),
    in plan order."""
    priorities = list(PlanNode.objects.filter(mandate=mandate, parent=None).order_by("path"))
    originals = [node for node in priorities if not node.text.startswith(GENERATED)]
    extra = {node.code: node for node in priorities if node.text.startswith(GENERATED)}
    missing = []
    for copy in range(1, factor):
        for original in originals:
            code = str(copy * len(originals) + int(original.code))
            if code not in extra:
                node = PlanNode(
                    mandate=mandate,
                    level=original.level,
                    parent=None,
                    code=code,
                    text=f"{GENERATED} Prioritat {code}: {original.text}",
                )
                node.set_tree_fields(leaf_depth=1)
                node.fill_search_text()
                missing.append(node)
    for node in PlanNode.objects.bulk_create(missing):
        extra[node.code] = node
    return originals + sorted(extra.values(), key=lambda node: int(node.code))


def _load_city_plan_2019(mandate, factor=1):
    """7 objectives, 70 axes and 825 actions, each action with entries for 8 semesters;
    with a factor, that many times the objectives, each of the same size."""
    if PlanNode.objects.filter(mandate=mandate).leaves().count() >= 825 * factor:
        return
    rng = random.Random(2019)
    areas = [area.number for area in Area.objects.all()]
    objectives = []
    for number in range(1, 7 * factor + 1):
        axes = []
        for axis_number in range(10 * (number - 1) + 1, 10 * number + 1):
            # 825 actions over 70 axes: 55 axes with 12 actions and 15 with 11.
            size = 12 if (axis_number - 1) % 70 < 55 else 11
            actions = [
                (
                    f"{axis_number}.{action}",
                    f"{GENERATED} Actuació {axis_number}.{action}: " + _filler(rng),
                    rng.choice(areas),
                )
                for action in range(1, size + 1)
            ]
            axes.append(
                (str(axis_number), f"{GENERATED} Eix {axis_number}: " + _filler(rng), actions)
            )
        objectives.append(
            (
                str(number),
                f"{GENERATED} Objectiu {number}: " + _filler(rng),
                sorted(rng.sample(range(1, 18), 3)),
                axes,
            )
        )
    _load_plan_2019(mandate, objectives, rng)


def _load_plan_2019(mandate, objectives, rng):
    """The 2019-2023 tree (objective → axis → action) as `objectives` describes it:
    [(code, text, SDGs, [(code, text, [(code, text, area number)])])], then every action's
    entries. A node whose code its level already holds is kept as it is, so the demo's
    plan and the city's share their codes and loading twice adds nothing."""
    levels = {level.depth: level for level in mandate.levels.all()}
    areas = {area.number: area for area in Area.objects.all()}
    existing = {
        (node.level_id, node.code): node
        for node in PlanNode.objects.filter(mandate=mandate).select_related("level")
    }

    def nodes_of(depth, wanted):
        """The nodes of level `depth`, creating in one query those `wanted` lacks:
        `wanted` is [(code, parent, fields)]."""
        level = levels[depth]
        missing = []
        for code, parent, fields in wanted:
            if (level.pk, code) in existing:
                continue
            node = PlanNode(mandate=mandate, level=level, parent=parent, code=code, **fields)
            node.set_tree_fields(leaf_depth=2)
            node.fill_search_text()
            missing.append(node)
        for node in PlanNode.objects.bulk_create(missing):
            existing[(level.pk, node.code)] = node
        return {code: existing[(level.pk, code)] for code, _parent, _fields in wanted}

    objective_nodes = nodes_of(
        0, [(code, None, {"text": text, "sdgs": sdgs}) for code, text, sdgs, _axes in objectives]
    )
    axis_nodes = nodes_of(
        1,
        [
            (code, objective_nodes[objective], {"text": text})
            for objective, _text, _sdgs, axes in objectives
            for code, text, _actions in axes
        ],
    )
    nodes_of(
        2,
        [
            (code, axis_nodes[axis], {"text": text, "area": areas[area_number]})
            for _objective, _text, _sdgs, axes in objectives
            for axis, _axis_text, actions in axes
            for code, text, area_number in actions
        ],
    )
    _progress_entries(mandate, rng)


# What a semester brings to an action under way: (observations, figure label, unit).
PROGRESS_REPORTS = [
    (
        "S'han dut a terme {count} sessions de treball amb {total} persones participants "
        "({women} dones i {men} homes).",
        "Persones participants en les sessions de treball",
    ),
    (
        "S'han atès {total} persones ({women} dones i {men} homes) i s'han coordinat "
        "{count} actuacions amb entitats del territori.",
        "Persones ateses",
    ),
    (
        "S'han organitzat {count} activitats obertes a la ciutadania, amb {total} "
        "participants ({women} dones i {men} homes).",
        "Participants en les activitats",
    ),
]


def _progress_entries(mandate, rng):
    """Every semester's entry of the mandate's actions that have none, as the 2019-2023
    balance reports them: a progress that only grows, and the status that goes with it
    (not started at 0 %, finished at 100 %, under way in between). About one action in
    eight has not started by the end; the others start in one of the first semesters and
    advance 5 to 20 points each. Each semester under way reports what was done, with
    its figure split by women and men."""
    statuses = {status.category: status for status in Status.objects.filter(mandate=mandate)}
    periods = list(mandate.periods.all())
    leaves = PlanNode.objects.filter(mandate=mandate).leaves().filter(entries__isnull=True)
    entries, figures = [], []
    for node in leaves:
        start = None if rng.random() < 0.13 else rng.randrange(4)
        pace = rng.randint(5, 20)
        progress = 0
        for index, period in enumerate(periods):
            if period.is_open and rng.random() < 0.3:
                continue
            if start is not None and index >= start:
                progress = min(100, progress + pace + rng.randint(0, 5))
            entry = Entry(node=node, period=period, progress=Decimal(progress))
            if progress == 0:
                entry.status = statuses[StatusCategory.PENDING]
                entry.observations = (
                    "L'actuació encara no s'ha iniciat: està pendent de la dotació "
                    "pressupostària i de la planificació del servei."
                )
            else:
                entry.status = statuses[
                    StatusCategory.COMPLETED if progress == 100 else StatusCategory.ON_TRACK
                ]
                text, label = rng.choice(PROGRESS_REPORTS)
                total = rng.randint(20, 400)
                women = round(total * rng.uniform(0.45, 0.7))
                entry.observations = text.format(
                    count=rng.randint(2, 30), total=total, women=women, men=total - women
                )
                if progress == 100:
                    entry.observations += "\n\nAmb aquest semestre l'actuació queda finalitzada."
                figures.append(
                    Figure(
                        entry=entry,
                        position=1,
                        label=label,
                        value=total,
                        unit="persones",
                        women=women,
                        men=total - women,
                    )
                )
            entry.fill_rich_text()
            entry.fill_search_text()
            entries.append(entry)
    Entry.objects.bulk_create(entries, batch_size=2000)
    Figure.objects.bulk_create(figures, batch_size=2000)


def _bulk_entries(mandate, rng):
    """Every semester's entry of the 2015-2019 commitments that have none, with a status
    drawn at random (a reason when the status asks for one)."""
    statuses = list(Status.objects.filter(mandate=mandate))
    periods = list(mandate.periods.all())
    leaves = PlanNode.objects.filter(mandate=mandate).leaves().filter(entries__isnull=True)
    entries = []
    for node in leaves:
        for period in periods:
            if period.is_open and rng.random() < 0.3:
                continue
            status = rng.choice(statuses)
            entries.append(
                Entry(
                    node=node,
                    period=period,
                    status=status,
                    reason="Reprogramat per canvi de prioritat." if status.requires_reason else "",
                    observations=(
                        "S'han dut a terme les actuacions previstes per al "
                        f"{period.label.lower()}:\n"
                        f"- {rng.randint(1, 400)} persones ateses.\n"
                        f"- {rng.randint(1, 30)} sessions de treball amb serveis municipals."
                    ),
                )
            )
    for entry in entries:
        entry.fill_rich_text()
        entry.fill_search_text()
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
