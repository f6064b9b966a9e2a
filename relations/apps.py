from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "relations"
    verbose_name = _("Informació relacionada")

    def ready(self):
        # The domain apps ask the shared registry for related items by their own model;
        # this app answers, so that none of them imports another.
        from relations import codes, items
        from terrassa_plis import related

        related.register("commitments.PlanNode", items.items_of_nodes)
        related.register("service_charters.Indicator", items.nodes_of_indicators)
        related.register("governance.PlanAction", items.nodes_of_actions)
        related.register_codes("commitments.PlanNode", codes.PlanNodeCodes())
