"""A charter's follow-up sheet (CSV/XLSX) read and checked, without the database.

The sheet has the seed's nine columns (`followup.COLUMNS`), the same that the open-data
export writes, so a sheet downloaded and edited in a spreadsheet program reads back. The
all-charters export adds a first column «Servei», which is read too.

`parse_sheet` reports every bad row by the number a spreadsheet shows (header = row 1).
The file's own Diferència and Grau de compliment are only compared with what
`compliance.assess` gives: the rules win, and a disagreement is a warning, never an
error and never copied. `charter_import` saves what is read here.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from service_charters.compliance import Assessment, TargetKind, assess
from service_charters.followup import (
    COLUMNS,
    EDITABLE_COLUMNS,
    SERVICE_COLUMN,
    VERSION_COLUMN,
    format_percent,
    format_value,
)
from service_charters.models import (
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
)
from service_charters.targets import Target, TargetError, parse_result, parse_target
from terrassa_plis.imports import read_import
from terrassa_plis.text_bounds import too_long

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
# What a target cell holds when the row's cells have moved, or nobody set a target: a
# dash or «No» would otherwise be read as a yes/no target that every «Sí» meets.
NO_TARGET_WORDS = NOT_APPLICABLE_WORDS | NOT_ASSESSED_WORDS | {"no", "sense objectiu", "cap"}
# The text columns: a name or a sentence, never a bare figure.
_TEXT_COLUMNS = (OFFERED_SERVICE, OBJECTIVE, COMMITMENT, INDICATOR)


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# The longest cell of each text column: that of the field it is saved in (the models
# say why each number), so the import refuses what a form would.
_TEXT_LIMITS = {
    OFFERED_SERVICE: _limit(OfferedService, "name"),
    OBJECTIVE: _limit(Objective, "text"),
    COMMITMENT: _limit(CharterCommitment, "text"),
    INDICATOR: _limit(Indicator, "name"),
    TARGET: _limit(Indicator, "target_text"),
    # The observations, or the reason when the result is «No aplicable».
    OBSERVATIONS: min(
        _limit(Measurement, "observations"), _limit(Measurement, "not_applicable_reason")
    ),
}
_UNIT_LIMIT = _limit(Indicator, "unit")
# Targets and results are stored as DecimalField(max_digits=12, decimal_places=2).
_MAX_VALUE = Decimal(10) ** 10
_CENT = Decimal("0.01")


def _fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a column name."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def one_line(text: str) -> str:
    """One-line text as typed, with pasted non-breaking spaces and line breaks made spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _paragraphs(text: str) -> str:
    """Observations keep their line breaks; only the ends are trimmed."""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()


def match_key(text: str) -> str:
    # A text typed again with another capital letter or double space is the same item.
    return one_line(text).casefold()


def read_sheet(name: str, content: bytes) -> list[list[str]]:
    """The sheet's rows through the imports' one reader (`RefusedImport` if unreadable)."""
    # A figure typed as a number in the spreadsheet must reach `parse_result` the
    # Catalan way, or 2.125 would be read as 2125.
    return read_import(name, content, numbers="catalan")


_VERSION = re.compile(rf"^m(\d+)v(\d+)((?:-[0-9a-f]{{6}}){{{len(EDITABLE_COLUMNS)}}})$")


@dataclass(frozen=True)
class ExportedVersion:
    """What the «Versió» cell says the app held when the sheet was exported
    (`followup.version_cell`)."""

    measurement_id: int
    """0: the indicator had no result that year yet."""
    version: int
    digests: dict[str, str]
    """Each of `EDITABLE_COLUMNS` by its digest as exported."""

    @classmethod
    def read(cls, text: str) -> "ExportedVersion | None":
        match = _VERSION.match(text.strip().lower())
        if match is None:
            return None
        digests = match.group(3).split("-")[1:]
        return cls(
            measurement_id=int(match.group(1)),
            version=int(match.group(2)),
            digests=dict(zip(EDITABLE_COLUMNS, digests, strict=True)),
        )


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
    exported: ExportedVersion | None = None
    """The «Versió» cell of a sheet the app exported; None for a sheet made by hand."""

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
    version_index = positions.get(_fold(VERSION_COLUMN))

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
        errors: list[str] = _misplaced_figures(cells)
        version_text = (
            row[version_index].strip()
            if version_index is not None and version_index < len(row)
            else ""
        )
        exported = ExportedVersion.read(version_text) if version_text else None
        if version_text and exported is None:
            errors.append(
                _(
                    "la columna «%(column)s» diu «%(text)s», que no és la versió que hi "
                    "escriu l'exportació: deixeu-la com estava, o buideu-la per importar la "
                    "fila sense comprovar què ha canviat des de l'exportació."
                )
                % {"column": VERSION_COLUMN, "text": version_text}
            )

        # An empty cell repeats the one above, as a merged cell of the printed table does;
        # but not across a new parent: an objective cannot span two offered services.
        new_parent = None  # the highest level this row starts anew
        for level in levels:
            value = one_line(cells.get(level, ""))
            if level in _TEXT_LIMITS and len(value) > _TEXT_LIMITS[level]:
                errors.append(_too_long(level, value))
            if value:
                if new_parent is None and match_key(value) != match_key(carried[level]):
                    new_parent = level
                carried[level] = value
            elif level == SERVICE_COLUMN:
                continue
            elif not carried[level]:
                errors.append(_("falta %(what)s.") % {"what": _LEVEL_LABELS[level]})
            elif new_parent is not None:
                errors.append(_NEW_PARENT[new_parent] % {"what": _LEVEL_LABELS[level]})
                carried[level] = ""

        indicator = one_line(cells[INDICATOR])
        if not indicator:
            errors.append(_("falta l'indicador."))
        elif len(indicator) > _TEXT_LIMITS[INDICATOR]:
            errors.append(_too_long(INDICATOR, indicator))

        target_text = one_line(cells[TARGET])
        target = None
        try:
            if _fold(target_text) in NO_TARGET_WORDS:
                raise TargetError(_no_target(target_text), target_text)
            target = parse_target(target_text)
        except TargetError as error:
            errors.append(str(error))
        else:
            errors += _check_value(target.value, target_text, _("L'objectiu"))
            if len(target_text) > _TEXT_LIMITS[TARGET]:
                errors.append(_too_long(TARGET, target_text))
            if len(target.unit) > _UNIT_LIMIT:
                errors.append(_("la unitat de l'objectiu és massa llarga."))

        observations = _paragraphs(cells[OBSERVATIONS])
        if len(observations) > _TEXT_LIMITS[OBSERVATIONS]:
            errors.append(_too_long(OBSERVATIONS, observations))
        result_text = one_line(cells[RESULT])
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

        if not errors:
            key = tuple(match_key(carried[level]) for level in levels) + (match_key(indicator),)
            if key in seen:
                errors.append(
                    _("l'indicador «%(name)s» ja és a la fila %(row)s, amb el mateix compromís.")
                    % {"name": indicator, "row": seen[key]}
                )
            else:
                seen[key] = number

        if errors:
            sheet.errors += [row_message(number, error) for error in errors]
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
            exported=exported,
        )
        sheet.rows.append(sheet_row)
        sheet.warnings += _disagreements(sheet_row, cells[DIFFERENCE], cells[COMPLIANCE])

    if not sheet.rows and not sheet.errors:
        sheet.errors.append(_("El fitxer no té cap fila de dades sota la capçalera."))
    return sheet


_SHIFTED = gettext_lazy("potser les cel·les d'aquesta fila estan desplaçades de columna.")


def _reads_as_figure(text: str) -> bool:
    """A cell with no letter (50, 100 %, -) or only «Sí»/«No»: a figure, not a text."""
    clean = one_line(text)
    if not clean:
        return False
    return not any(char.isalpha() for char in clean) or _fold(clean) in {"si", "no"}


def _misplaced_figures(cells: dict[str, str]) -> list[str]:
    """A figure where a name or a sentence goes: the row's cells have most likely moved
    one column (the seed's last row puts its target under «Indicador»), and importing
    it would make an indicator called «50»."""
    return [
        _("a la columna «%(column)s» hi ha «%(text)s», una xifra i no un text: %(hint)s")
        % {"column": column, "text": one_line(cells[column]), "hint": _SHIFTED}
        for column in _TEXT_COLUMNS
        if _reads_as_figure(cells[column])
    ]


def _no_target(text: str) -> str:
    return _(
        "la columna «%(column)s» diu «%(text)s», que no és cap objectiu: escriviu-hi què "
        "s'ha d'assolir (4, 100 %%, ≥ 5, ≤ 10 dies o Sí); %(hint)s"
    ) % {"column": TARGET, "text": text, "hint": _SHIFTED}


def row_message(number: int, message: str) -> str:
    return _("Fila %(row)s: %(message)s") % {"row": number, "message": message}


def _too_long(column: str, text: str) -> str:
    """«la columna «Observacions» té 2.345 caràcters; com a màxim 2.000.»"""
    what = _("la columna «%(column)s»") % {"column": column}
    return too_long(what, len(text), _TEXT_LIMITS[column])


def _check_value(value: Decimal, text: str, what: str) -> list[str]:
    """What the database cannot store: more than two decimals, or ten digits before the comma."""
    if value != value.quantize(_CENT):
        return [_("%(what)s «%(text)s» té més de dos decimals.") % {"what": what, "text": text}]
    if value >= _MAX_VALUE:
        return [_("%(what)s «%(text)s» és massa gran.") % {"what": what, "text": text}]
    return []


def _read_figure(text: str):
    """A figure of the file's Diferència or Grau column: a signed number, None, or not given."""
    clean = one_line(text)
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
            row_message(
                row.number, message % {"what": label, "text": one_line(text), "rules": shown}
            )
        )
    return warnings
