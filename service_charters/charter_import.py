"""A follow-up sheet imported into a service's charter of a year, all or nothing.

The rows come read and checked by `followup_sheet.parse_sheet`. Offered services,
objectives, commitments and indicators are matched by their text within their parent,
so importing the same sheet twice changes nothing, and the import costs a fixed number
of queries. A sheet with the «Servei» column imports only the rows of the service
being imported. One year's sheet never changes another year's figures: an empty
Resultat keeps the result saved since the sheet was made, and a row that changes a
target other years were assessed against is refused.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.models import Service
from service_charters.followup import (
    COLUMNS,
    EDITABLE_COLUMNS,
    SERVICE_COLUMN,
    VERSION_COLUMN,
    digest,
    editable_values,
    format_result,
    observations_text,
)
from service_charters.followup_sheet import (
    ParsedSheet,
    SheetRow,
    match_key,
    one_line,
    row_message,
)
from service_charters.models import (
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
)
from terrassa_plis import documents
from terrassa_plis.formatting import moment, person_name
from terrassa_plis.history import import_reason
from terrassa_plis.imports import RefusedImport
from terrassa_plis.text_search import filled, with_search_text

_NEW, _FOUND, _RENAMED = "new", "found", "renamed"


def find_service(name: str, services: list[Service] | None = None) -> Service | None:
    """The service called `name`, exactly or without «Servei de », in any case.

    `services` saves the query when many names are looked up: every service, loaded once.
    """
    wanted = one_line(name)
    if services is None:
        services = list(Service.objects.only("id", "name", "area_id"))
    for service in services:
        if service.name == wanted:
            return service
    folded = wanted.casefold()
    for service in services:
        if folded in (service.name.casefold(), service.short_name().casefold()):
            return service
    return None


class RowChange(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    """A row of another service, in a sheet with the «Servei» column."""


@dataclass(frozen=True)
class FieldChange:
    """One cell the import would change in the app: its column, and the text saved now
    and the text it would become."""

    column: str
    old: str
    new: str


@dataclass(frozen=True)
class ImportReport:
    charter: Charter
    charter_created: bool
    year: int
    changes: dict[int, RowChange]
    """Each imported row's fate, by its row number in the file."""
    warnings: list[str]
    replaced_results: dict[int, str] = field(default_factory=dict)
    """The saved Resultat cell that a row replaces with another, by row number."""
    kept_results: dict[int, str] = field(default_factory=dict)
    """The saved Resultat cell that a row with an empty Resultat leaves as it is."""
    field_changes: dict[int, list[FieldChange]] = field(default_factory=dict)
    """Every saved cell a row changes, old and new text, by row number."""

    def _count(self, change: RowChange) -> int:
        return sum(1 for value in self.changes.values() if value == change)

    @property
    def created(self) -> int:
        return self._count(RowChange.CREATED)

    @property
    def updated(self) -> int:
        return self._count(RowChange.UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(RowChange.UNCHANGED)

    @property
    def skipped(self) -> int:
        return self._count(RowChange.SKIPPED)

    def summary(self) -> str:
        text = _(
            "Importats: %(created)s indicadors nous, %(updated)s actualitzats i "
            "%(unchanged)s sense canvis a «%(charter)s» (%(year)s)."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "charter": self.charter.title,
            "year": self.year,
        }
        if self.charter_created:
            text += " " + _("La carta s'ha creat nova.")
        return text


class CharterImportError(RefusedImport):
    """The sheet has errors; nothing was saved. `errors` holds one sentence each."""


@dataclass
class _Node:
    """An item of the charter's tree with its children by text, saved or still to create."""

    item: models.Model
    children: dict[str, "_Node"] = field(default_factory=dict)
    next_position: int = 1

    def adopt(self, node: "_Node", text: str) -> None:
        self.children.setdefault(match_key(text), node)
        self.next_position = max(self.next_position, node.item.position + 1)


# Written on every updated measurement, whatever else changed.
_MEASUREMENT_STAMP = ["updated_by", "version", "updated_at"]
# Per level: the model, its text field and the foreign key to its parent.
_LEVELS = [
    (OfferedService, "name", "charter"),
    (Objective, "text", "offered_service"),
    (CharterCommitment, "text", "objective"),
    (Indicator, "name", "commitment"),
]


class _ImportChanges:
    """What importing the rows would change, worked out on the charter's tree in memory;
    `write` saves it."""

    def __init__(self, service: Service, year: int, *, lock: bool = False):
        """`lock`: to write, inside the import's transaction. The year's results are then
        locked as they are read, so a results form saved meanwhile waits for the import
        and is refused by its version check, instead of being overwritten by it."""
        self.year = year
        self.lock = lock
        self.charter = (
            Charter.objects.in_force(year)
            .filter(service=service)
            .order_by("-in_force_from", "-pk")
            .first()
        )
        self.charter_created = self.charter is None
        if self.charter is None:
            self.charter = Charter(
                service=service,
                title=_("Carta de serveis de %(service)s") % {"service": service.short_name()},
                in_force_from=date(year, 1, 1),
            )
        self.new: dict[type, list] = {model: [] for model, _f, _p in _LEVELS}
        self.renamed: dict[type, list] = {model: [] for model, _f, _p in _LEVELS}
        self.changed_indicators: list[Indicator] = []
        # Only the fields that changed somewhere are written: each costs a CASE over the rows.
        self.indicator_fields: set[str] = set()
        self.measurement_fields: set[str] = set()
        self.new_measurements: list[Measurement] = []
        self.changed_measurements: list[Measurement] = []
        self.root = _Node(self.charter)
        self.touched: set[int] = set()  # ids of the saved items already queued for an update
        self.measurements: dict[int, Measurement] = {}
        self.errors: list[str] = []
        self.replaced_results: dict[int, str] = {}
        self.kept_results: dict[int, str] = {}
        self.field_changes: dict[int, list[FieldChange]] = {}
        if not self.charter_created:
            self._load_tree()

    def _load_tree(self) -> None:
        # The whole tree in five queries, whatever its size.
        charter = self.charter
        nodes: dict[tuple[type, int], _Node] = {(Charter, charter.pk): self.root}
        parent_model = Charter
        for model, text_field, parent_field in _LEVELS:
            items = model.objects.of_charter(charter)
            if model is Indicator:
                # A target other years were assessed against must not change with one
                # year's sheet: `_retargets_other_years` needs to know, at no extra query.
                items = items.annotate(
                    measured_other_years=Exists(
                        Measurement.objects.filter(indicator=OuterRef("pk")).exclude(year=self.year)
                    )
                )
            for item in items:
                node = _Node(item)
                nodes[(model, item.pk)] = node
                parent = nodes.get((parent_model, getattr(item, f"{parent_field}_id")))
                parent.adopt(node, getattr(item, text_field))
            parent_model = model
        measurements = (
            Measurement.objects.of_charter(charter)
            .filter(year=self.year)
            .select_related("updated_by")
        )
        if self.lock:
            measurements = measurements.select_for_update(of=("self",))
        self.measurements = {measurement.indicator_id: measurement for measurement in measurements}

    def _child(
        self, parent: _Node, level: int, text: str, changes: list[FieldChange]
    ) -> tuple[_Node, str]:
        """The child of `parent` called `text`: found, found but typed otherwise (said in
        `changes`), or new."""
        model, text_field, parent_field = _LEVELS[level]
        node = parent.children.get(match_key(text))
        if node is None:
            item = model(
                **{parent_field: parent.item, text_field: text, "position": parent.next_position}
            )
            node = _Node(item)
            parent.adopt(node, text)
            self.new[model].append(item)
            return node, _NEW
        if getattr(node.item, text_field) == text:
            return node, _FOUND
        changes.append(FieldChange(COLUMNS[level], getattr(node.item, text_field), text))
        setattr(node.item, text_field, text)
        if model is not Indicator and id(node.item) not in self.touched:
            self.touched.add(id(node.item))
            self.renamed[model].append(node.item)
        return node, _RENAMED

    def add(self, row: SheetRow, acting_user) -> RowChange:
        node = self.root
        changed = False
        changes: list[FieldChange] = []
        for level, text in enumerate((row.offered_service, row.objective, row.commitment)):
            node, state = self._child(node, level, text, changes)
            changed = changed or state != _FOUND
        indicator_node, state = self._child(node, 3, row.indicator, changes)
        indicator = indicator_node.item
        target = row.target
        if self._retargets_other_years(indicator, row):
            self.errors.append(
                row_message(
                    row.number,
                    _(
                        "l'objectiu de l'indicador ha canviat («%(old)s» → «%(new)s») i ja té "
                        "resultats d'altres anys; per no alterar-ne el compliment, creeu un "
                        "indicador nou o canvieu-lo a l'administració."
                    )
                    % {"old": indicator.target_text, "new": row.target_text},
                )
            )
            return RowChange.UNCHANGED
        saved = self.measurements.get(indicator.pk) if indicator.pk else None
        saved_values = editable_values(indicator, saved)
        before = _editable_cells(indicator, saved)
        # Taken now: `_measure` stamps the measurement with the importing user.
        saved_stamp = (saved.updated_by, saved.updated_at) if saved else (None, None)
        wanted = {
            "target_kind": target.kind.value,
            "target_value": target.value,
            "target_text": row.target_text,
            "unit": target.unit,
        }
        retargeted = [name for name, value in wanted.items() if getattr(indicator, name) != value]
        for name in retargeted:
            setattr(indicator, name, wanted[name])
        if state != _NEW and (state == _RENAMED or retargeted):
            self.indicator_fields.update(retargeted + (["name"] if state == _RENAMED else []))
            if id(indicator) not in self.touched:
                self.touched.add(id(indicator))
                self.changed_indicators.append(indicator)

        measured, measurement = self._measure(indicator, row, acting_user)
        if state == _NEW:
            return RowChange.CREATED
        after = _editable_cells(indicator, measurement)
        changes += [
            FieldChange(column, before[column], after[column])
            for column in EDITABLE_COLUMNS
            if before[column] != after[column]
        ]
        if changes:
            self.field_changes[row.number] = changes
        self._refuse_overwrites(row, indicator, saved, saved_stamp, saved_values, before, after)
        if changed or state == _RENAMED or retargeted or measured:
            return RowChange.UPDATED
        return RowChange.UNCHANGED

    @staticmethod
    def _retargets_other_years(indicator: Indicator, row: SheetRow) -> bool:
        """Whether the row changes a target that other years' compliance is computed from.

        Every year is assessed against the indicator's one target, so changing it while
        importing one year would silently change the compliance of the others.
        """
        if not getattr(indicator, "measured_other_years", False):
            return False
        return (row.target.kind.value, row.target.value) != (
            indicator.target_kind,
            indicator.target_value,
        )

    def _refuse_overwrites(
        self, row, indicator, saved, saved_stamp, saved_values, before, after
    ) -> None:
        """An error for each cell that the file changes and that someone changed in the
        app since the sheet was exported: importing it would silently undo their change.

        A sheet without «Versió» (made by hand) is not checked: its preview lists every
        change with the text it replaces.
        """
        exported = row.exported
        if exported is None:
            return
        touched = [column for column in EDITABLE_COLUMNS if before[column] != after[column]]
        if not touched:
            return
        other_row = (
            saved is not None
            and exported.measurement_id != 0
            and exported.measurement_id != saved.pk
        )
        for column, value in zip(EDITABLE_COLUMNS, saved_values, strict=True):
            if column not in touched:
                continue
            if other_row:
                message = _(
                    "la cel·la «%(version)s» és d'una altra fila o d'un altre any, no de la "
                    "d'aquest indicador el %(year)s, i «%(column)s» ja hi diu «%(saved)s», que "
                    "el fitxer canviaria per «%(file)s». No s'ha importat res: exporteu el "
                    "full d'aquest any, o buideu la cel·la «%(version)s» d'aquesta fila per "
                    "sobreescriure-ho expressament."
                )
            elif digest(value) != exported.digests[column]:
                message = _(
                    "«%(column)s» ha canviat a l'aplicació des que es va exportar aquest full "
                    "(%(who)s): ara hi diu «%(saved)s» i el fitxer hi posaria «%(file)s». No "
                    "s'ha importat res, per no esborrar-ho sense voler: torneu a exportar el "
                    "full i refeu-hi els vostres canvis, o buideu la cel·la «%(version)s» "
                    "d'aquesta fila per sobreescriure-ho expressament."
                )
            else:
                continue
            self.errors.append(
                row_message(
                    row.number,
                    message
                    % {
                        "version": VERSION_COLUMN,
                        "year": self.year,
                        "column": column,
                        "who": _who_changed(indicator, saved_stamp, column),
                        "saved": before[column] or _("(buit)"),
                        "file": after[column] or _("(buit)"),
                    },
                )
            )

    def _measure(
        self, indicator: Indicator, row: SheetRow, acting_user
    ) -> tuple[bool, Measurement | None]:
        """Whether the row changes the year's measurement, and the measurement after it."""
        measurement = self.measurements.get(indicator.pk) if indicator.pk else None
        saved = measurement is not None and (
            measurement.result is not None or measurement.not_applicable
        )
        if saved and row.result is None and not row.not_applicable:
            # An empty Resultat is a sheet made before the result was entered, not an
            # order to erase it: the saved result stays, the observations are the file's.
            self.kept_results[row.number] = format_result(indicator, measurement)
            wanted = {"observations": row.observations}
        elif row.not_applicable:
            # The cell shows the reason; the observations behind it stay as they were.
            wanted = {
                "result": None,
                "not_applicable": True,
                "not_applicable_reason": row.observations,
            }
        else:
            wanted = {
                "result": row.result,
                "not_applicable": False,
                "not_applicable_reason": "",
                "observations": row.observations,
            }
        if measurement is None:
            if row.result is None and not row.not_applicable and not row.observations:
                return False, None  # nothing to record: no empty measurement is made
            measurement = Measurement(
                indicator=indicator, year=self.year, updated_by=acting_user, **wanted
            )
            self.new_measurements.append(measurement)
            if indicator.pk:
                self.measurements[indicator.pk] = measurement
            return True, measurement
        differing = [name for name, value in wanted.items() if getattr(measurement, name) != value]
        if not differing:
            return False, measurement
        if measurement.pk and {"result", "not_applicable"} & set(differing):
            self.replaced_results[row.number] = format_result(indicator, measurement)
        for name in differing:
            setattr(measurement, name, wanted[name])
        self.measurement_fields.update(differing)
        if measurement.pk and id(measurement) not in self.touched:
            self.touched.add(id(measurement))
            # A form opened before the import must not overwrite it unnoticed.
            measurement.version += 1
            measurement.updated_by = acting_user
            self.changed_measurements.append(measurement)
        return True, measurement

    def write(self, acting_user, file_name: str) -> None:
        """Save the changes: a fixed number of bulk queries, parents before children."""
        # Bulk writes send no model signal: the documents learn of the change here.
        documents.data_changed()
        history = {"default_user": acting_user, "default_change_reason": import_reason(file_name)}
        if self.charter_created:
            self.charter._history_user = acting_user
            self.charter._change_reason = history["default_change_reason"]
            self.charter.save()
        for model, text_field, _parent in _LEVELS:
            if self.new[model]:
                # Children were built on unsaved parents: Django copies the parents' new ids.
                model.objects.bulk_create(filled(self.new[model]))
                if model is not Indicator:
                    model.history.bulk_history_create(self.new[model], **history)
            if self.renamed[model]:
                model.objects.bulk_update(
                    filled(self.renamed[model]), sorted(with_search_text(model, [text_field]))
                )
                if model is not Indicator:
                    model.history.bulk_history_create(self.renamed[model], update=True, **history)
        if self.new[Indicator]:
            Indicator.history.bulk_history_create(self.new[Indicator], **history)
        if self.changed_indicators:
            Indicator.objects.bulk_update(
                filled(self.changed_indicators),
                sorted(with_search_text(Indicator, self.indicator_fields)),
            )
            Indicator.history.bulk_history_create(self.changed_indicators, update=True, **history)
        if self.new_measurements:
            Measurement.objects.bulk_create(filled(self.new_measurements))
            Measurement.history.bulk_history_create(self.new_measurements, **history)
        if self.changed_measurements:
            now = timezone.now()
            for measurement in self.changed_measurements:
                measurement.updated_at = now  # bulk_update leaves auto_now alone
            Measurement.objects.bulk_update(
                filled(self.changed_measurements),
                sorted(with_search_text(Measurement, self.measurement_fields)) + _MEASUREMENT_STAMP,
            )
            Measurement.history.bulk_history_create(
                self.changed_measurements, update=True, **history
            )


def _editable_cells(indicator: Indicator, measurement: Measurement | None) -> dict[str, str]:
    """The editable cells as the sheet writes them, by column."""
    return dict(
        zip(
            EDITABLE_COLUMNS,
            (
                indicator.target_text,
                format_result(indicator, measurement),
                observations_text(measurement),
            ),
            strict=True,
        )
    )


def _who_changed(indicator: Indicator, stamp: tuple, column: str) -> str:
    """«ho va desar Anna Puig el 27/11/2026 10:15»: the last save of what holds `column`."""
    if column == EDITABLE_COLUMNS[0]:
        # The target is the indicator's; only its history says who set it (one query,
        # only for a row refused).
        last = indicator.history.select_related("history_user").first()
        user, when = (last.history_user, last.history_date) if last else (None, None)
    else:
        user, when = stamp
    if when is None:
        return _("no consta qui ni quan")
    if user is None:
        return _("es va desar el %(moment)s") % {"moment": moment(when)}
    return _("ho va desar %(person)s el %(moment)s") % {
        "person": person_name(user),
        "moment": moment(when),
    }


def _work_out_changes(
    parsed: ParsedSheet, service: Service, year: int, acting_user, *, lock: bool = False
) -> tuple[_ImportChanges, dict[int, RowChange]]:
    """What importing `parsed` would change, and each row's fate by its number; `lock`
    as `_ImportChanges` says."""
    if parsed.errors:
        raise CharterImportError(parsed.errors)
    import_changes = _ImportChanges(service, year, lock=lock)
    changes: dict[int, RowChange] = {}
    services = None  # loaded once, only for a sheet with the «Servei» column
    found: dict[str, Service | None] = {}
    for row in parsed.rows:
        if row.service_name and row.service_name not in found:
            if services is None:
                services = list(Service.objects.only("id", "name", "area_id"))
            found[row.service_name] = find_service(row.service_name, services)
        if not row.service_name or found[row.service_name] == service:
            changes[row.number] = import_changes.add(row, acting_user)
        else:
            changes[row.number] = RowChange.SKIPPED
    if import_changes.errors:
        raise CharterImportError(import_changes.errors)
    if parsed.rows and all(change == RowChange.SKIPPED for change in changes.values()):
        raise CharterImportError(
            [
                _("Cap fila del fitxer és del servei «%(service)s» (columna «%(column)s»).")
                % {"service": service.name, "column": SERVICE_COLUMN}
            ]
        )
    return import_changes, changes


def _import_report(
    import_changes: _ImportChanges, changes: dict[int, RowChange], parsed: ParsedSheet
) -> ImportReport:
    warnings = list(parsed.warnings)
    skipped = sum(1 for change in changes.values() if change == RowChange.SKIPPED)
    if skipped:
        warnings.append(
            ngettext(
                "S'ha deixat de banda %(count)s fila d'un altre servei.",
                "S'han deixat de banda %(count)s files d'altres serveis.",
                skipped,
            )
            % {"count": skipped}
        )
    return ImportReport(
        charter=import_changes.charter,
        charter_created=import_changes.charter_created,
        year=import_changes.year,
        changes=changes,
        warnings=warnings,
        replaced_results=import_changes.replaced_results,
        kept_results=import_changes.kept_results,
        field_changes=import_changes.field_changes,
    )


def preview_sheet(parsed: ParsedSheet, *, service: Service, year: int) -> ImportReport:
    """What `apply_sheet` would do, row by row, without saving anything."""
    import_changes, changes = _work_out_changes(parsed, service, year, acting_user=None)
    return _import_report(import_changes, changes, parsed)


def apply_sheet(
    parsed: ParsedSheet, *, service: Service, year: int, acting_user, file_name: str = ""
) -> ImportReport:
    """Import the sheet into `service`'s charter in force in `year`: all rows, or nothing.
    The history of everything it saves names `acting_user` and the file.

    Queries: the charter, its tree (4) and the year's measurements, then one bulk query per
    kind of change (creations and updates, plus their history), whatever the row count.
    """
    with transaction.atomic():
        import_changes, changes = _work_out_changes(parsed, service, year, acting_user, lock=True)
        import_changes.write(acting_user, file_name)
    return _import_report(import_changes, changes, parsed)
