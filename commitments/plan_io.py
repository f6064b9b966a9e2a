"""The Mandate Plan as a table: the columns that the list exports and the import reads.

One set of columns goes both ways, so a sheet downloaded from the list, edited in a
spreadsheet program and imported again updates the plan:

    Nivell | Codi | Codi superior | Text | Àrea | Servei | ODS  (+ Estat | % execució)

The level and the code are the key: a row updates the mandate's node of that level
with that code, or creates it. Codes are unique within a level, not across levels
(priority 2 and commitment 2 both exist), so «Codi superior» names a node of the
level just above the row's. An import is validated whole before anything is written,
and written in one transaction, so a file with one bad row changes nothing. The
headers are the file format and are not translated.

Codes are text, not numbers: a spreadsheet that takes `61.10` for a number keeps
61.1 and would address another action. The export writes every code as a text cell,
so a round trip keeps `61.10`; see docs/import_plan.md for codes typed by hand.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commitments.figures import FigureTotals, labelled_figure_text
from commitments.models import (
    LEAF_NEEDS_AREA,
    PLAN_TEXT_MAX_LENGTH,
    Figure,
    Mandate,
    PlanLevel,
    PlanNode,
    ReportingPeriod,
    Status,
)
from governance.models import Area, Service
from terrassa_plis import documents
from terrassa_plis.formatting import moment, person_name, plain_decimal
from terrassa_plis.history import import_reason
from terrassa_plis.imports import RefusedImport
from terrassa_plis.related import related_codes, split_codes
from terrassa_plis.text_bounds import too_long
from terrassa_plis.text_search import with_search_text

LEVEL, CODE, PARENT, TEXT, AREA, SERVICE, SDGS = PLAN_COLUMNS = [
    "Nivell",
    "Codi",
    "Codi superior",
    "Text",
    "Àrea",
    "Servei",
    "ODS",
]
FIGURES, FIGURES_TOTAL, FIGURES_WOMEN, FIGURES_MEN = FIGURE_COLUMNS = [
    "Xifres",
    "Xifres: total",
    "Xifres: dones",
    "Xifres: homes",
]
# What the period reported, for reading: the import leaves these columns alone.
EXPORT_ONLY_COLUMNS = ["Estat", "% execució", *FIGURE_COLUMNS]
RELATED = "Relacionats"
"""The items of other instruments related to the node, by code (`relations.targets`:
«CC-4» a commitment and «IND-12» an indicator of a service charter, «PLIS-1.2.1» a PLIS
action), separated by
commas. Optional: a file without it leaves the relations as they are; an empty cell
removes them. Not covered by «Versió»."""
VERSION = "Versió"
"""The last column of the list's own downloads: the node and a digest of each column the
import may change (`EDITABLE_COLUMNS`) as exported, so that an import can refuse to undo
what someone changed in the app since the file was made."""
EDITABLE_COLUMNS = [PARENT, TEXT, AREA, SERVICE, SDGS]
_VERSION_CELL = re.compile(rf"^n(\d+)((?:-[0-9a-f]{{6}}){{{len(EDITABLE_COLUMNS)}}})$")
# A file without Servei or ODS leaves those fields as they are; the others are needed
# to place a row in the tree at all.
REQUIRED_COLUMNS = [LEVEL, CODE, PARENT, TEXT, AREA]

SDG_RANGE = range(1, 18)
CODE_MAX_LENGTH = PlanNode._meta.get_field("code").max_length


@dataclass(frozen=True)
class PlanChange:
    """One cell of a saved node that the import changes, with its old and new text."""

    row: int
    code: str
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int
    changes: tuple[PlanChange, ...] = dataclass_field(default=(), compare=False)
    """What the counts summarise, cell by cell: listed, not compared."""

    def summary(self) -> str:
        return _(
            "Importats: %(created)s nous, %(updated)s actualitzats, %(unchanged)s sense canvis."
        ) % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def change_lines(self) -> list[str]:
        """Each changed cell as a line: «Fila 4 (61.1): «Text»: abans «…», ara «…».»"""
        return [
            _("Fila %(row)s (%(code)s): «%(column)s»: abans «%(old)s», ara «%(new)s».")
            % {
                "row": change.row,
                "code": change.code,
                "column": change.column,
                "old": change.old or _("(buit)"),
                "new": change.new or _("(buit)"),
            }
            for change in self.changes
        ]


class PlanImportError(RefusedImport):
    """The file has errors; nothing was saved. `errors` holds one sentence each."""


def format_sdgs(sdgs) -> str:
    return ", ".join(str(goal) for goal in sdgs)


def export_table(
    nodes: Iterable[PlanNode], period: ReportingPeriod | None, *, with_version: bool = False
) -> tuple[list[str], list[list]]:
    """Header and rows of `nodes`, with each node's status, progress and figures in `period`.

    Nodes come from `PlanNodeQuerySet.with_entry_for(period)`; with level, parent,
    area and service selected, this costs one query for the nodes, one for the
    mandate's status labels and one for the period's figures. «Xifres» prints a leaf's
    figures as the balance does; the totals add up the figures with a women/men split
    (`commitments.figures`), of the leaf or of every leaf under an upper level. With
    `with_version`, «Versió» last (`version_cell`), for a file to be edited and imported.
    «Relacionats» (before it) holds each node's related codes, one more query, when an
    app keeps relations (`terrassa_plis.related`).
    """
    nodes = list(nodes)
    codec = related_codes("commitments.PlanNode")
    codes = codec.codes_for([node.pk for node in nodes]) if codec and nodes else {}
    labels = {}
    figures = _PeriodFigures()
    if period is not None and nodes:
        labels = dict(
            Status.objects.filter(mandate_id=period.mandate_id).values_list("id", "label")
        )
        figures = _PeriodFigures(
            Figure.objects.filter(entry__period=period)
            .order_by("entry__node__path", "position", "pk")
            .values_list("entry__node__path", "label", "value", "unit", "women", "men")
        )
    rows = []
    for node in nodes:
        status_id = getattr(node, "period_status_id", None) if period is not None else None
        progress = getattr(node, "period_progress", None) if period is not None else None
        totals = figures.totals(node.path)
        rows.append(
            [
                node.level.name,
                # Text, never a number: `xlsx_export` writes a str as a text cell, so
                # 61.10 stays 61.10 (a number would come back as 61.1).
                str(node.code),
                node.parent.code if node.parent_id else "",
                node.text,
                node.area.name if node.area_id else "",
                node.service.name if node.service_id else "",
                format_sdgs(node.sdgs),
                labels.get(status_id, ""),
                progress,
                figures.text(node.path),
                *_totals_cells(totals),
                *([", ".join(codes.get(node.pk, []))] if codec else []),
                *([version_cell(node)] if with_version else []),
            ]
        )
    header = PLAN_COLUMNS + EXPORT_ONLY_COLUMNS + ([RELATED] if codec else [])
    return header + ([VERSION] if with_version else []), rows


def _digest(value: str) -> str:
    # Six hex digits per cell: enough to tell that one cell changed.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:6]


def _editable_values(node: PlanNode, parent_code: str) -> list[str]:
    """What `EDITABLE_COLUMNS` hold for `node`, independent of names typed otherwise."""
    return [
        parent_code,
        node.text,
        str(node.area_id or ""),
        str(node.service_id or ""),
        format_sdgs(sorted(node.sdgs)),
    ]


def version_cell(node: PlanNode) -> str:
    """«n42-1a2b3c-…»: the node and the digest of each editable cell as exported."""
    parent_code = node.parent.code if node.parent_id else ""
    digests = "-".join(_digest(value) for value in _editable_values(node, parent_code))
    return f"n{node.pk}-{digests}"


def _totals_cells(totals: FigureTotals) -> tuple:
    """Total, women and men as cells; empty where no figure has a split."""
    if not totals.count:
        return (None, None, None)
    return tuple(plain_decimal(value) for value in (totals.total, totals.women, totals.men))


class _PeriodFigures:
    """A period's figures by the path of their leaf: the printed line of a leaf and the
    totals of any node (its own figures, or those of every leaf under it)."""

    def __init__(self, rows=()):
        self._lines: dict[str, list[str]] = {}
        self._totals: dict[str, FigureTotals] = {}
        for path, label, value, unit, women, men in rows:
            self._lines.setdefault(path, []).append(
                labelled_figure_text(label, value, unit, women, men)
            )
            own = FigureTotals.of(value, women, men)
            parts = path.split("/")
            for i in range(1, len(parts) + 1):
                prefix = "/".join(parts[:i])
                self._totals[prefix] = self._totals.get(prefix, FigureTotals()) + own

    def text(self, path: str) -> str:
        return "; ".join(self._lines.get(path, []))

    def totals(self, path: str) -> FigureTotals:
        return self._totals.get(path, FigureTotals())


@dataclass(eq=False)
class _Row:
    """One data row of the file, as read and then as resolved."""

    number: int
    cells: dict[str, str]
    level: PlanLevel | None = None
    area: Area | None = None
    service: Service | None = None
    sdgs: list[int] | None = None
    node: PlanNode | None = None

    @property
    def code(self) -> str:
        return self.cells[CODE]

    @property
    def parent_code(self) -> str:
        return self.cells[PARENT]

    @property
    def key(self) -> tuple[int, str] | None:
        """(level id, code): the node the row is about; None while its level is unknown."""
        return None if self.level is None else (self.level.pk, self.code)


def import_plan(
    rows: list[list[str]], *, mandate: Mandate, user=None, file_name: str = ""
) -> ImportReport:
    """Create or update `mandate`'s nodes from `rows` (header first), all or nothing.
    The history of every node it saves names `user` and the file.

    A row is keyed by its level and code. Every row is checked before anything is
    saved; if any is wrong, `PlanImportError` lists every error by the row number a
    spreadsheet shows. Nodes absent from the file are left alone, except that they
    follow an ancestor that moves.
    """
    header, data_rows = _split_header(rows)
    levels = list(mandate.levels.all())
    leaf_depth = max(level.depth for level in levels)
    # The level whose nodes each level's nodes hang from; None for the top level.
    above = {
        level.pk: next((other for other in levels if other.depth == level.depth - 1), None)
        for level in levels
    }
    areas = list(Area.objects.all())
    services = list(Service.objects.all())
    existing = {
        (node.level_id, node.code): node for node in PlanNode.objects.filter(mandate=mandate)
    }

    errors: list[tuple[int, str]] = []
    parsed = [_Row(number, cells) for number, cells in _cells_by_column(header, data_rows)]
    first_row_of: dict[tuple[int, str], _Row] = {}
    for row in parsed:
        _check_cells(row, mandate, levels, leaf_depth, areas, services, first_row_of, errors)
    # A row whose level is unknown has its error; its children would only add noise.
    unplaced = {row.code for row in parsed if row.level is None}
    for row in parsed:
        if first_row_of.get(row.key) is row:
            _check_parent(row, above[row.level.pk], first_row_of, existing, unplaced, errors)
    if SERVICE not in header:
        _check_kept_services(first_row_of, existing, services, errors)
    codec = related_codes("commitments.PlanNode") if RELATED in header else None
    if codec is not None:
        _check_related(first_row_of, codec, errors)
    changes = []
    if not errors:
        changes = _changes(first_row_of, existing, areas, services, set(header), errors)
        if codec is not None:
            changes += _related_changes(first_row_of, existing, codec)
    if errors:
        # Sorting by row alone keeps each row's errors in the order of its columns.
        errors.sort(key=lambda error: error[0])
        raise PlanImportError([_row_error(number, message) for number, message in errors])

    history = {"default_user": user, "default_change_reason": import_reason(file_name)}
    report = _save(
        parsed,
        existing,
        mandate,
        levels,
        above,
        leaf_depth,
        has_column=set(header),
        codec=codec,
        **history,
    )
    return ImportReport(report.created, report.updated, report.unchanged, tuple(changes))


def _check_related(first_row_of, codec, errors) -> None:
    """Every related code names an item: an unknown one is an error of its row."""
    typed = {row: split_codes(row.cells[RELATED]) for row in first_row_of.values()}
    unknown = set(codec.unknown({code for codes in typed.values() for code in codes}))
    for row, codes in typed.items():
        for code in codes:
            if code in unknown:
                errors.append(
                    (
                        row.number,
                        _(
                            "«%(code)s» de la columna «%(column)s» no és cap element conegut: "
                            "escriviu CC- o IND- i el número d'un compromís o d'un indicador "
                            "de carta de serveis (CC-4, IND-12), o PLIS- i el codi d'una "
                            "acció del PLIS (PLIS-1.2.1)."
                        )
                        % {"code": code, "column": RELATED},
                    )
                )


def _related_changes(first_row_of, existing, codec) -> list[PlanChange]:
    """The saved nodes whose related codes the file changes, old and new. One query."""
    saved_nodes = {key: existing[key] for key in first_row_of if key in existing}
    saved = codec.codes_for([node.pk for node in saved_nodes.values()])
    changes = []
    for key, node in saved_nodes.items():
        row = first_row_of[key]
        old = saved.get(node.pk, [])
        new = split_codes(row.cells[RELATED])
        if sorted(old) != sorted(new):
            changes.append(
                PlanChange(row.number, row.code, RELATED, ", ".join(old), ", ".join(new))
            )
    return changes


def _split_header(rows: list[list[str]]) -> tuple[dict[str, int], list[list[str]]]:
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise PlanImportError([_("El fitxer és buit: la primera fila ha de ser la capçalera.")])
    header: dict[str, int] = {}
    by_name = {column.casefold(): column for column in [*PLAN_COLUMNS, RELATED, VERSION]}
    for index, title in enumerate(rows[0]):
        column = by_name.get(title.strip().casefold())
        # Other columns (Estat, % execució, notes) are the export's or the user's.
        if column is not None and column not in header:
            header[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise PlanImportError(
            [_("Falta la columna «%(column)s».") % {"column": column} for column in missing]
        )
    return header, rows[1:]


def _cells_by_column(header: dict[str, int], data_rows: list[list[str]]):
    for number, raw in enumerate(data_rows, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        cells = {column: "" for column in [*PLAN_COLUMNS, RELATED, VERSION]}
        for column, index in header.items():
            if index < len(raw):
                cells[column] = raw[index].strip()
        yield number, cells


def _row_error(number: int, message: str) -> str:
    return _("Fila %(row)s: %(error)s") % {"row": number, "error": message}


def _check_cells(row, mandate, levels, leaf_depth, areas, services, first_row_of, errors):
    def error(message, **values):
        errors.append((row.number, message % values))

    if not row.cells[LEVEL]:
        error(_("falta el nivell."))
    else:
        row.level = next(
            (level for level in levels if level.name.casefold() == row.cells[LEVEL].casefold()),
            None,
        )
        if row.level is None:
            error(
                _("«%(level)s» no és un nivell del mandat %(mandate)s (%(levels)s)."),
                level=row.cells[LEVEL],
                mandate=mandate.term,
                levels=", ".join(level.name for level in levels),
            )

    if not row.code:
        error(_("falta el codi."))
    elif len(row.code) > CODE_MAX_LENGTH:
        error(
            _("el codi «%(code)s» és massa llarg (com a màxim %(max)s caràcters)."),
            code=row.code,
            max=CODE_MAX_LENGTH,
        )
    elif row.level is not None:
        # Codes repeat across levels (priority 2, commitment 2), never within one.
        first = first_row_of.setdefault(row.key, row)
        if first is not row:
            error(
                _(
                    "el codi «%(code)s» està repetit en el nivell «%(level)s» (també a la "
                    "fila %(other)s)."
                ),
                code=row.code,
                level=row.level.name,
                other=first.number,
            )

    if not row.cells[TEXT]:
        error(_("falta el text."))
    elif len(row.cells[TEXT]) > PLAN_TEXT_MAX_LENGTH:
        errors.append(
            (row.number, too_long(_("el text"), len(row.cells[TEXT]), PLAN_TEXT_MAX_LENGTH))
        )

    area_cell = row.cells[AREA]
    if area_cell:
        row.area = next(
            (
                area
                for area in areas
                if area_cell == str(area.number) or area_cell.casefold() == area.name.casefold()
            ),
            None,
        )
        if row.area is None:
            error(_("l'àrea «%(area)s» no existeix."), area=area_cell)
    elif row.level is not None and row.level.depth == leaf_depth:
        # PlanNode.clean's rule, with its message: the import saves in bulk, without clean().
        error(str(LEAF_NEEDS_AREA), level=row.level.name)

    service_cell = row.cells[SERVICE]
    if service_cell:
        row.service = next(
            (service for service in services if service.name.casefold() == service_cell.casefold()),
            None,
        )
        if row.service is None:
            error(_("el servei «%(service)s» no existeix."), service=service_cell)
        elif not area_cell:
            error(
                _("el servei «%(service)s» necessita la seva àrea a la columna Àrea."),
                service=row.service.name,
            )
        elif row.area is not None and row.service.area_id != row.area.pk:
            error(
                _("el servei «%(service)s» no és de l'àrea «%(area)s»."),
                service=row.service.name,
                area=row.area.name,
            )

    row.sdgs = _parse_sdgs(row.cells[SDGS])
    if row.sdgs is None:
        error(
            _("els ODS han de ser números de l'1 al 17 separats per comes («%(sdgs)s» no ho és)."),
            sdgs=row.cells[SDGS],
        )


def _parse_sdgs(cell: str) -> list[int] | None:
    goals = set()
    for part in re.split(r"[,;\s]+", cell):
        if not part:
            continue
        if not part.isdigit() or int(part) not in SDG_RANGE:
            return None
        goals.add(int(part))
    return sorted(goals)


def _check_parent(row, above, first_row_of, existing, unplaced, errors):
    """«Codi superior» names a node of the level just above, in the file or the app."""

    def error(message, **values):
        errors.append((row.number, message % values))

    if above is None:
        if row.parent_code:
            error(
                _("un element de nivell «%(level)s» no té codi superior (hi ha «%(parent)s»)."),
                level=row.level.name,
                parent=row.parent_code,
            )
        return
    if not row.parent_code:
        error(
            _(
                "falta el codi superior: un element de nivell «%(level)s» penja d'un de "
                "nivell «%(above)s»."
            ),
            level=row.level.name,
            above=above.name,
        )
        return
    parent_key = (above.pk, row.parent_code)
    found = parent_key in first_row_of or parent_key in existing
    # A parent on a row of unknown level has its own error already.
    if not found and row.parent_code not in unplaced:
        error(
            _("el codi superior «%(parent)s» no existeix en el nivell «%(above)s»."),
            parent=row.parent_code,
            above=above.name,
        )


def _check_kept_services(first_row_of, existing, services, errors):
    """Without a Servei column a node keeps its service, which must fit its new area."""
    services_by_id = {service.pk: service for service in services}
    for key, row in first_row_of.items():
        node = existing.get(key)
        if node is None or node.service_id is None:
            continue
        service = services_by_id[node.service_id]
        if row.area is None or row.area.pk != service.area_id:
            errors.append(
                (
                    row.number,
                    _(
                        "«%(code)s» és del servei «%(service)s», que no és de l'àrea indicada; "
                        "afegiu la columna Servei per canviar-lo."
                    )
                    % {"code": row.code, "service": service.name},
                )
            )


def _changes(first_row_of, existing, areas, services, has_column, errors) -> list[PlanChange]:
    """Every cell of a saved node that the file changes, old and new text; and an error
    for each that someone changed in the app since the file was exported (its «Versió»
    says what the export held): importing it would silently undo their change. A file
    without «Versió» (made by hand) is not checked; the command lists what it changes."""
    codes = {node.pk: node.code for node in existing.values()}
    area_names = {area.pk: area.name for area in areas}
    service_names = {service.pk: service.name for service in services}
    changes = []
    for key, row in first_row_of.items():
        node = existing.get(key)
        if node is None:
            continue
        saved = _editable_values(node, codes.get(node.parent_id, ""))
        typed = [
            row.parent_code,
            row.cells[TEXT],
            str(row.area.pk if row.area else ""),
            str(row.service.pk if row.service else ""),
            format_sdgs(row.sdgs),
        ]
        shown = {
            PARENT: (saved[0], typed[0]),
            TEXT: (saved[1], typed[1]),
            AREA: (area_names.get(node.area_id, ""), row.area.name if row.area else ""),
            SERVICE: (
                service_names.get(node.service_id, ""),
                row.service.name if row.service else "",
            ),
            SDGS: (saved[4], typed[4]),
        }
        version_text = row.cells[VERSION]
        match = _VERSION_CELL.match(version_text.lower()) if version_text else None
        if version_text and match is None:
            errors.append(
                (
                    row.number,
                    _(
                        "la columna «%(column)s» diu «%(text)s», que no és la versió que hi "
                        "escriu l'exportació: deixeu-la com estava, o buideu-la per importar "
                        "la fila sense comprovar què ha canviat des de l'exportació."
                    )
                    % {"column": VERSION, "text": version_text},
                )
            )
            continue
        exported = None
        if match is not None:
            exported = dict(zip(EDITABLE_COLUMNS, match.group(2).split("-")[1:], strict=True))
            if int(match.group(1)) != node.pk:
                errors.append(
                    (
                        row.number,
                        _(
                            "la cel·la «%(column)s» és de la fila d'un altre element, no de "
                            "«%(code)s»: copieu la fila sencera de l'exportació, o buideu la "
                            "cel·la per importar-la sense comprovar què ha canviat."
                        )
                        % {"column": VERSION, "code": row.code},
                    )
                )
                continue
        for index, column in enumerate(EDITABLE_COLUMNS):
            if column not in has_column or saved[index] == typed[index]:
                continue
            old, new = shown[column]
            if exported is not None and _digest(saved[index]) != exported[column]:
                errors.append(
                    (
                        row.number,
                        _(
                            "«%(column)s» de «%(code)s» ha canviat a l'aplicació des que es va "
                            "exportar aquest fitxer (%(who)s): ara hi diu «%(saved)s» i el "
                            "fitxer hi posaria «%(file)s». No s'ha importat res, per no "
                            "esborrar-ho sense voler: torneu a exportar el pla i refeu-hi els "
                            "vostres canvis, o buideu la cel·la «%(version)s» d'aquesta fila per "
                            "sobreescriure-ho expressament."
                        )
                        % {
                            "column": column,
                            "code": row.code,
                            "who": _who_changed(node),
                            "saved": old or _("(buit)"),
                            "file": new or _("(buit)"),
                            "version": VERSION,
                        },
                    )
                )
            changes.append(PlanChange(row.number, row.code, column, old, new))
    return changes


def _who_changed(node: PlanNode) -> str:
    """«ho va desar Anna Puig el 27/11/2026 10:15», from the node's last history record:
    one query, only for a row refused."""
    # The plan's nodes gain their history with issue 12's history work; until then the
    # app does not know who changed a node.
    records = getattr(node, "history", None)
    last = records.select_related("history_user").first() if records is not None else None
    if last is None:
        return _("no consta qui ni quan")
    if last.history_user is None:
        return _("es va desar el %(moment)s") % {"moment": moment(last.history_date)}
    return _("ho va desar %(person)s el %(moment)s") % {
        "person": person_name(last.history_user),
        "moment": moment(last.history_date),
    }


# The fields of `_state`, in its order: the file's, then those derived from the tree.
# A node's level and code are its key and never change.
STATE_FIELDS = ["parent", "text", "area", "service", "sdgs", "path", "is_leaf"]
FILE_FIELDS = len(STATE_FIELDS) - 2


def _state(node: PlanNode) -> tuple:
    return (
        node.parent_id,
        node.text,
        node.area_id,
        node.service_id,
        sorted(node.sdgs),
        node.path,
        node.is_leaf,
    )


@transaction.atomic
def _save(
    parsed, existing, mandate, levels, above, leaf_depth, *, has_column, codec=None, **history
) -> ImportReport:
    levels_by_id = {level.pk: level for level in levels}
    nodes_by_id = {node.pk: node for node in existing.values()}
    before = {node.pk: _state(node) for node in existing.values()}
    # Cache every relation set_tree_fields reads, so that it runs no query.
    for node in existing.values():
        node.level = levels_by_id[node.level_id]
        if node.parent_id in nodes_by_id:
            node.parent = nodes_by_id[node.parent_id]

    by_key = dict(existing)
    new_nodes = []
    for row in parsed:
        node = existing.get(row.key)
        if node is None:
            node = PlanNode(mandate=mandate, level=row.level, code=row.code, sdgs=[])
            new_nodes.append(node)
            by_key[row.key] = node
        row.node = node
    for row in parsed:
        node = row.node
        parent_level = above[row.level.pk]
        node.parent = by_key[(parent_level.pk, row.parent_code)] if parent_level else None
        node.text = row.cells[TEXT]
        node.area = row.area
        if SERVICE in has_column:
            node.service = row.service
        if SDGS in has_column and sorted(node.sdgs) != row.sdgs:
            node.sdgs = row.sdgs

    # Depth by depth from the roots: a moved node's subtree follows it, and each
    # depth's new nodes get their ids before their children point at them.
    # Bulk writes send no model signal: the documents learn of the change here.
    documents.data_changed()
    by_depth: dict[int, list[PlanNode]] = {}
    for node in by_key.values():
        by_depth.setdefault(node.level.depth, []).append(node)
    for depth in sorted(by_depth):
        for node in by_depth[depth]:
            if node.parent is not None:
                # Assigning the object again copies the id of a parent saved meanwhile
                # and keeps it cached for set_tree_fields.
                node.parent = node.parent
            node.set_tree_fields(leaf_depth)
            node.fill_search_text()
        new_at_depth = [node for node in by_depth[depth] if node.pk is None]
        if new_at_depth:
            bulk_create_with_history(new_at_depth, PlanNode, **history)

    changed = [node for node in existing.values() if _state(node) != before[node.pk]]
    if changed:
        # Only the columns that changed somewhere: each one is a CASE over every row.
        fields = [
            field
            for index, field in enumerate(STATE_FIELDS)
            if any(_state(node)[index] != before[node.pk][index] for node in changed)
        ]
        bulk_update_with_history(
            changed, PlanNode, sorted(with_search_text(PlanNode, fields)), **history
        )

    if codec is not None:
        # After the nodes: a new node has its id only now.
        codec.replace(
            {row.node: split_codes(row.cells[RELATED]) for row in parsed},
            user=history["default_user"],
            reason=history["default_change_reason"],
        )

    in_file = {row.key for row in parsed}
    updated = sum(
        1
        for key, node in existing.items()
        if key in in_file and _state(node)[:FILE_FIELDS] != before[node.pk][:FILE_FIELDS]
    )
    return ImportReport(
        created=len(new_nodes),
        updated=updated,
        unchanged=len(in_file) - len(new_nodes) - updated,
    )
