"""Demo relations: commitment 21 of the 2015-2019 plan (the rights of migrants, area 3)
is carried out by the Solidaritat i Cooperació Internacional service, whose charter's
indicators the council follows yearly, and by area 3's PLIS actions.

Keyed by node and target, so loading twice leaves the same data. Runs before
publication's demo (INSTALLED_APPS), so the demo's published Balanç shows them.
"""

from commitments.models import PlanNode
from governance.models import Plan, PlanAction
from relations.models import Relation
from service_charters.models import Indicator

COMMITMENT = ("2015-2019", "Compromís", "21")
CHARTER = "Carta de serveis de Solidaritat i Cooperació Internacional"
# The demo PLIS's actions led with area 3 that reach people of migrant origin.
ACTIONS = ("1.2.1", "2.1.1")


def load(*, scale, stdout, factor=1):
    """Relate the seed's commitment 21 (whatever the scale and factor: it is one)."""
    term, level, code = COMMITMENT
    node = PlanNode.objects.filter(mandate__term=term, level__name=level, code=code).first()
    if node is None:
        return
    indicators = Indicator.objects.filter(
        commitment__objective__offered_service__charter__title=CHARTER
    ).in_printed_order()
    plan = Plan.objects.current()
    actions = PlanAction.objects.filter(plan=plan, code__in=ACTIONS) if plan else []
    created = 0
    for indicator in indicators:
        created += Relation.objects.get_or_create(node=node, indicator=indicator)[1]
    for action in actions:
        created += Relation.objects.get_or_create(node=node, action=action)[1]
    stdout.write(f"relations: {created} elements relacionats nous amb {node}.")
