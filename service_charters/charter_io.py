"""A charter's follow-up sheet both ways: read it (CSV/XLSX) and import it, all or nothing.

The sheet has the seed's nine columns (`followup.COLUMNS`), the same that the open-data
export writes, so a sheet downloaded, edited in a spreadsheet program and imported again
updates the charter. The all-charters export adds a first column «Servei»; the import
accepts it and keeps only the rows of the service being imported.

Reading (`parse_sheet`) needs no database and reports every bad row by the number a
spreadsheet shows (header = row 1). The file's own Diferència and Grau de compliment are
only compared with what `compliance.assess` gives: the rules win, and a disagreement is
a warning, never an error and never copied. Writing (`apply_sheet`) matches offered
services, objectives, commitments and indicators by their text within their parent, so
importing the same sheet twice changes nothing, and costs a fixed number of queries.
One year's sheet never changes another year's figures: an empty Resultat keeps the result
saved since the sheet was made, and a row that changes a target other years were
assessed against is refused.
"""

import csv
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from governance.models import Service
from service_charters.compliance import Assessment, TargetKind, assess
from service_charters.followup import (
    COLUMNS,
    SERVICE_COLUMN,
    format_percent,
    format_result,
    format_value,
)
from service_charters.models import (
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
)
from service_charters.targets import Target, TargetError, parse_result, parse_target
from terrassa_plis.exports import TableError, read_table

(
    OFFERED_SERVICE,
    OBJECTIVE,
    COMMITMENT,
    INDICATOR,
    TARGET,
    RESULT,
    DIFFERENCE,
    COMPLIANCE,
    OBSERVATIONS,
) = COLUMNS

NOT_APPLICABLE_WORDS = {"no aplicable", "n/a", "na"}
NOT_ASSESSED_WORDS = {"-", "–", "—", "no avaluat", "no aplicable"}
CHANGE_REASON = "Importació del full de seguiment"

_TEXT_LIMITS = {
    OFFERED_SERVICE: OfferedService._meta.get_field("name").max_length,
    TARGET: Indicator._meta.get_field("target_text").max_length,
}
_UNIT_LIMIT = Indicator._meta.get_field("unit").max_length
# Targets and results are stored as DecimalField(max_digits=12, decimal_places=2).
_MAX_VALUE = Decimal(10) ** 10
_CENT = Decimal("0.01")


def _fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a column name."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _line(text: str) -> str:
    """One-line text as typed, with pasted non-breaking spaces and line breaks made spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _paragraphs(text: str) -> str:
    """Observations keep their line breaks; only the ends are trimmed."""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _match_key(text: str) -> str:
    # A text typed again with another capital letter or double space is the same item.
    return _line(text).casefold()


def find_service(name: str, services: list[Service] | None = None) -> Service | None:
    """The service called `name`, exactly or without «Servei de », in any case.

    `services` saves the query when many names are looked up: every service, loaded once.
    """
    wanted = _line(name)
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


# Reading ------------------------------------------------------------------------------


def read_sheet(name: str, content: bytes) -> list[list[str]]:
    """`exports.read_table`, with every unreadable file reported as a TableError."""
    try:
        # A figure typed as a number in the spreadsheet must reach `parse_result` the
        # Catalan way, or 2.125 would be read as 2125.
        return read_table(name, content, numbers="catalan")
    except csv.Error:
        # The sniffer finds no delimiter in a file of one column (or of plain text).
        raise TableError(
            _(
                "No s'entén el fitxer CSV «%(name)s»: no s'hi troben columnes separades "
                "per comes, punts i comes o tabuladors."
            )
            % {"name": name}
        ) from None


@dataclass(frozen=True)
class SheetRow:
    """One indicator row of the sheet, with repeated cells filled in and its figures read."""

    number: int
    service_name: str
    offered_service: str
    objective: str
    commitment: str
    indicator: str
    target_text: str
    target: Target
    result: Decimal | None
    not_applicable: bool
    observations: str
    """The Observacions cell: the reason when the result is «No aplicable»."""
    assessment: Assessment

    def cells(self) -> list[str]:
        """The nine columns as the report would publish them, figures recomputed."""
        unit = Indicator(unit=self.target.unit)
        result = "No aplicable" if self.not_applicable else format_value(unit, self.result)
        return [
            self.offered_service,
            self.objective,
            self.commitment,
            self.indicator,
            self.target_text,
            result,
            format_value(unit, self.assessment.difference),
            format_percent(self.assessment.compliance),
            self.observations,
        ]


@dataclass
class ParsedSheet:
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    has_service_column: bool = False


_LEVEL_LABELS = {
    SERVICE_COLUMN: gettext_lazy("el servei"),
    OFFERED_SERVICE: gettext_lazy("el servei ofert"),
    OBJECTIVE: gettext_lazy("l'objectiu"),
    COMMITMENT: gettext_lazy("el compromís"),
}
# Said when a row starts a new item at this level and leaves a level below it empty:
# the cell above belongs to another parent, so it is not repeated.
_NEW_PARENT = {
    SERVICE_COLUMN: gettext_lazy("aquesta fila comença un servei nou; escriviu-hi també %(what)s."),
    OFFERED_SERVICE: gettext_lazy(
        "aquesta fila comença un servei ofert nou; escriviu-hi també %(what)s."
    ),
    OBJECTIVE: gettext_lazy("aquesta fila comença un objectiu nou; escriviu-hi també %(what)s."),
}
_NOT_GIVEN = object()
_NEW, _FOUND, _RENAMED = "new", "found", "renamed"


def parse_sheet(rows: list[list[str]]) -> ParsedSheet:
    """Read a follow-up sheet (header first, as `exports.read_table` gives it)."""
    sheet = ParsedSheet()
    numbered = [
        (number, ["" if cell is None else str(cell) for cell in row])
        for number, row in enumerate(rows, start=1)
    ]
    filled = [(number, row) for number, row in numbered if any(cell.strip() for cell in row)]
    if not filled:
        sheet.errors.append(_("El fitxer és buit: no té ni la fila de capçalera."))
        return sheet

    header_number, header = filled[0]
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(_fold(name), index)
    missing = [column for column in COLUMNS if _fold(column) not in positions]
    if missing:
        sheet.errors.append(
            ngettext(
                "Falta la columna %(columns)s a la capçalera (fila %(row)s).",
                "Falten les columnes %(columns)s a la capçalera (fila %(row)s).",
                len(missing),
            )
            % {"columns": ", ".join(f"«{column}»" for column in missing), "row": header_number}
        )
        return sheet
    sheet.has_service_column = _fold(SERVICE_COLUMN) in positions
    wanted = ([SERVICE_COLUMN] if sheet.has_service_column else []) + COLUMNS
    index_of = {column: positions[_fold(column)] for column in wanted}

    levels = [SERVICE_COLUMN, OFFERED_SERVICE, OBJECTIVE, COMMITMENT]
    carried = dict.fromkeys(levels, "")
    seen: dict[tuple[str, ...], int] = {}
    for number, row in numbered:
        if number <= header_number:
            continue
        cells = {
            column: row[index] if index < len(row) else "" for column, index in index_of.items()
        }
        if not any(cell.strip() for cell in cells.values()):
            continue
        errors: list[str] = []

        # An empty cell repeats the one above, as a merged cell of the printed table does;
        # but not across a new parent: an objective cannot span two offered services.
        new_parent = None  # the highest level this row starts anew
        for level in levels:
            value = _line(cells.get(level, ""))
            if value:
                if new_parent is None and _match_key(value) != _match_key(carried[level]):
                    new_parent = level
                carried[level] = value
            elif level == SERVICE_COLUMN:
                continue
            elif not carried[level]:
                errors.append(_("falta %(what)s.") % {"what": _LEVEL_LABELS[level]})
            elif new_parent is not None:
                errors.append(_NEW_PARENT[new_parent] % {"what": _LEVEL_LABELS[level]})
                carried[level] = ""

        indicator = _line(cells[INDICATOR])
        if not indicator:
            errors.append(_("falta l'indicador."))

        target_text = _line(cells[TARGET])
        target = None
        try:
            target = parse_target(target_text)
        except TargetError as error:
            errors.append(str(error))
        else:
            errors += _check_value(target.value, target_text, _("L'objectiu"))
            if len(target_text) > _TEXT_LIMITS[TARGET]:
                errors.append(_too_long(TARGET))
            if len(target.unit) > _UNIT_LIMIT:
                errors.append(_("la unitat de l'objectiu és massa llarga."))

        observations = _paragraphs(cells[OBSERVATIONS])
        result_text = _line(cells[RESULT])
        result = None
        not_applicable = _fold(result_text) in NOT_APPLICABLE_WORDS
        if not_applicable:
            if not observations:
                errors.append(
                    _("el resultat és «No aplicable»: expliqueu-ne el motiu a «Observacions».")
                )
        else:
            try:
                # «Sí» and «No» only for a yes/no target, as in the results form.
                yes_no = target is None or target.kind == TargetKind.YES_NO
                result = parse_result(result_text, yes_no=yes_no)
            except TargetError as error:
                errors.append(str(error))
            else:
                if result is not None:
                    errors += _check_value(result, result_text, _("El resultat"))
                if result is not None and target is not None:
                    problem = Indicator(target_kind=target.kind, unit=target.unit).check_result(
                        result
                    )
                    if problem:
                        errors.append(
                            _("el resultat «%(text)s» no és vàlid. %(problem)s")
                            % {"text": result_text, "problem": problem}
                        )

        offered = carried[OFFERED_SERVICE]
        if len(offered) > _TEXT_LIMITS[OFFERED_SERVICE]:
            errors.append(_too_long(OFFERED_SERVICE))

        if not errors:
            key = tuple(_match_key(carried[level]) for level in levels) + (_match_key(indicator),)
            if key in seen:
                errors.append(
                    _("l'indicador «%(name)s» ja és a la fila %(row)s, amb el mateix compromís.")
                    % {"name": indicator, "row": seen[key]}
                )
            else:
                seen[key] = number

        if errors:
            sheet.errors += [_row_message(number, error) for error in errors]
            continue

        assessment = assess(target.kind, target.value, result, not_applicable=not_applicable)
        sheet_row = SheetRow(
            number=number,
            service_name=carried[SERVICE_COLUMN],
            offered_service=offered,
            objective=carried[OBJECTIVE],
            commitment=carried[COMMITMENT],
            indicator=indicator,
            target_text=target_text,
            target=target,
            result=result,
            not_applicable=not_applicable,
            observations=observations,
            assessment=assessment,
        )
        sheet.rows.append(sheet_row)
        sheet.warnings += _disagreements(sheet_row, cells[DIFFERENCE], cells[COMPLIANCE])

    if not sheet.rows and not sheet.errors:
        sheet.errors.append(_("El fitxer no té cap fila de dades sota la capçalera."))
    return sheet


def _row_message(number: int, message: str) -> str:
    return _("Fila %(row)s: %(message)s") % {"row": number, "message": message}


def _too_long(column: str) -> str:
    return _("la columna «%(column)s» és massa llarga (màxim %(limit)s caràcters).") % {
        "column": column,
        "limit": _TEXT_LIMITS[column],
    }


def _check_value(value: Decimal, text: str, what: str) -> list[str]:
    """What the database cannot store: more than two decimals, or ten digits before the comma."""
    if value != value.quantize(_CENT):
        return [_("%(what)s «%(text)s» té més de dos decimals.") % {"what": what, "text": text}]
    if value >= _MAX_VALUE:
        return [_("%(what)s «%(text)s» és massa gran.") % {"what": what, "text": text}]
    return []


def _read_figure(text: str):
    """A figure of the file's Diferència or Grau column: a signed number, None, or not given."""
    clean = _line(text)
    if not clean:
        # Nothing written: a hand-made sheet need not compute the figures at all.
        return _NOT_GIVEN
    if _fold(clean) in NOT_ASSESSED_WORDS:
        return None
    sign = 1
    if clean[0] in "-−–+":
        sign = -1 if clean[0] != "+" else 1
        clean = clean[1:].strip()
    value = parse_result(clean)  # TargetError for what is not a number
    return None if value is None else sign * value


def _same(rules: Decimal | None, written: Decimal | None) -> bool:
    if rules is None or written is None:
        return rules is written
    # The file may round («67 %» for 66,67 %): compare at the precision it was written with.
    exponent = min(written.as_tuple().exponent, 0)
    return rules.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == written


def _disagreements(row: SheetRow, difference_text: str, compliance_text: str) -> list[str]:
    unit = Indicator(unit=row.target.unit)
    warnings = []
    for label, text, rules, shown in (
        (
            _("la diferència"),
            difference_text,
            row.assessment.difference,
            format_value(unit, row.assessment.difference),
        ),
        (
            _("el grau de compliment"),
            compliance_text,
            row.assessment.compliance,
            format_percent(row.assessment.compliance),
        ),
    ):
        try:
            written = _read_figure(text)
        except TargetError:
            message = _(
                "no s'entén %(what)s «%(text)s» del fitxer; segons les regles és %(rules)s."
            )
        else:
            if written is _NOT_GIVEN or _same(rules, written):
                continue
            message = _(
                "el fitxer diu que %(what)s és %(text)s, però segons les regles és %(rules)s."
            )
        warnings.append(
            _row_message(row.number, message % {"what": label, "text": _line(text), "rules": shown})
        )
    return warnings


# Writing ------------------------------------------------------------------------------


class RowChange(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    """A row of another service, in a sheet with the «Servei» column."""


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


class CharterImportError(Exception):
    """The sheet has errors; nothing was saved. `errors` holds one sentence each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(
            ngettext(
                "S'ha trobat %(count)s error; no s'ha importat res.",
                "S'han trobat %(count)s errors; no s'ha importat res.",
                len(errors),
            )
            % {"count": len(errors)}
        )


@dataclass
class _Node:
    """An item of the charter's tree with its children by text, saved or still to create."""

    item: models.Model
    children: dict[str, "_Node"] = field(default_factory=dict)
    next_position: int = 1

    def adopt(self, node: "_Node", text: str) -> None:
        self.children.setdefault(_match_key(text), node)
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


class _Plan:
    """What importing the rows would change, worked out on the charter's tree in memory."""

    def __init__(self, service: Service, year: int):
        self.year = year
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
        self.measurements = {
            measurement.indicator_id: measurement
            for measurement in Measurement.objects.of_charter(charter).filter(year=self.year)
        }

    def _child(self, parent: _Node, level: int, text: str) -> tuple[_Node, str]:
        """The child of `parent` called `text`: found, found but typed otherwise, or new."""
        model, text_field, parent_field = _LEVELS[level]
        node = parent.children.get(_match_key(text))
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
        setattr(node.item, text_field, text)
        if model is not Indicator and id(node.item) not in self.touched:
            self.touched.add(id(node.item))
            self.renamed[model].append(node.item)
        return node, _RENAMED

    def add(self, row: SheetRow, acting_user) -> RowChange:
        node = self.root
        changed = False
        for level, text in enumerate((row.offered_service, row.objective, row.commitment)):
            node, state = self._child(node, level, text)
            changed = changed or state != _FOUND
        indicator_node, state = self._child(node, 3, row.indicator)
        indicator = indicator_node.item
        target = row.target
        if self._retargets_other_years(indicator, row):
            self.errors.append(
                _row_message(
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

        measured = self._measure(indicator, row, acting_user)
        if state == _NEW:
            return RowChange.CREATED
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

    def _measure(self, indicator: Indicator, row: SheetRow, acting_user) -> bool:
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
                return False  # nothing to record: no empty measurement is made
            measurement = Measurement(
                indicator=indicator, year=self.year, updated_by=acting_user, **wanted
            )
            self.new_measurements.append(measurement)
            if indicator.pk:
                self.measurements[indicator.pk] = measurement
            return True
        differing = [name for name, value in wanted.items() if getattr(measurement, name) != value]
        if not differing:
            return False
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
        return True

    def write(self, acting_user) -> None:
        """Save the plan: a fixed number of bulk queries, parents before children."""
        if self.charter_created:
            self.charter.save()
        for model, text_field, _parent in _LEVELS:
            if self.new[model]:
                # Children were built on unsaved parents: Django copies the parents' new ids.
                model.objects.bulk_create(self.new[model])
            if self.renamed[model]:
                model.objects.bulk_update(self.renamed[model], [text_field])
        history = {"default_user": acting_user, "default_change_reason": CHANGE_REASON}
        if self.new[Indicator]:
            Indicator.history.bulk_history_create(self.new[Indicator], **history)
        if self.changed_indicators:
            Indicator.objects.bulk_update(self.changed_indicators, sorted(self.indicator_fields))
            Indicator.history.bulk_history_create(self.changed_indicators, update=True, **history)
        if self.new_measurements:
            Measurement.objects.bulk_create(self.new_measurements)
            Measurement.history.bulk_history_create(self.new_measurements, **history)
        if self.changed_measurements:
            now = timezone.now()
            for measurement in self.changed_measurements:
                measurement.updated_at = now  # bulk_update leaves auto_now alone
            Measurement.objects.bulk_update(
                self.changed_measurements, sorted(self.measurement_fields) + _MEASUREMENT_STAMP
            )
            Measurement.history.bulk_history_create(
                self.changed_measurements, update=True, **history
            )


def _plan(parsed: ParsedSheet, service: Service, year: int, acting_user) -> tuple[_Plan, dict]:
    if parsed.errors:
        raise CharterImportError(parsed.errors)
    plan = _Plan(service, year)
    changes: dict[int, RowChange] = {}
    services = None  # loaded once, only for a sheet with the «Servei» column
    found: dict[str, Service | None] = {}
    for row in parsed.rows:
        if row.service_name and row.service_name not in found:
            if services is None:
                services = list(Service.objects.only("id", "name", "area_id"))
            found[row.service_name] = find_service(row.service_name, services)
        if not row.service_name or found[row.service_name] == service:
            changes[row.number] = plan.add(row, acting_user)
        else:
            changes[row.number] = RowChange.SKIPPED
    if plan.errors:
        raise CharterImportError(plan.errors)
    if parsed.rows and all(change == RowChange.SKIPPED for change in changes.values()):
        raise CharterImportError(
            [
                _("Cap fila del fitxer és del servei «%(service)s» (columna «%(column)s»).")
                % {"service": service.name, "column": SERVICE_COLUMN}
            ]
        )
    return plan, changes


def _report(plan: _Plan, changes: dict, parsed: ParsedSheet) -> ImportReport:
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
        charter=plan.charter,
        charter_created=plan.charter_created,
        year=plan.year,
        changes=changes,
        warnings=warnings,
        replaced_results=plan.replaced_results,
        kept_results=plan.kept_results,
    )


def preview_sheet(parsed: ParsedSheet, *, service: Service, year: int) -> ImportReport:
    """What `apply_sheet` would do, row by row, without saving anything."""
    plan, changes = _plan(parsed, service, year, acting_user=None)
    return _report(plan, changes, parsed)


def apply_sheet(parsed: ParsedSheet, *, service: Service, year: int, acting_user) -> ImportReport:
    """Import the sheet into `service`'s charter in force in `year`: all rows, or nothing.

    Queries: the charter, its tree (4) and the year's measurements, then one bulk query per
    kind of change (creations and updates, plus their history), whatever the row count.
    """
    with transaction.atomic():
        plan, changes = _plan(parsed, service, year, acting_user)
        plan.write(acting_user)
    return _report(plan, changes, parsed)
