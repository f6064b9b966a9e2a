"""Importing the Mandate Plan from a table (`plan_io`'s columns): each row updates the
mandate's node of its level and code, or creates it. The file is validated whole before
anything is written, and written in one transaction, so a file with one bad row changes
nothing; a row whose «Versió» shows the node changed in the app since the file was made
is refused rather than undoing that change."""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from commitments.models import (
    Mandate,
    PlanNode,
)
from commitments.plan_io import (
    AREA,
    EDITABLE_COLUMNS,
    PARENT,
    RELATED,
    SDGS,
    SERVICE,
    TEXT,
    VERSION,
    VERSION_CELL,
    cell_digest,
    editable_values,
    format_sdgs,
)
from commitments.plan_rows import (
    PlanImportError,
    Row,
    cells_by_column,
    check_cells,
    check_kept_services,
    check_parent,
    row_error,
    split_header,
)
from governance.models import Area, Service
from terrassa_plis import documents
from terrassa_plis.formatting import moment, person_name
from terrassa_plis.history import import_reason
from terrassa_plis.related import related_codes, split_codes
from terrassa_plis.text_search import with_search_text


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
    header, data_rows = split_header(rows)
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
    parsed = [Row(number, cells) for number, cells in cells_by_column(header, data_rows)]
    first_row_of: dict[tuple[int, str], Row] = {}
    for row in parsed:
        check_cells(row, mandate, levels, leaf_depth, areas, services, first_row_of, errors)
    # A row whose level is unknown has its error; its children would only add noise.
    unplaced = {row.code for row in parsed if row.level is None}
    for row in parsed:
        if first_row_of.get(row.key) is row:
            check_parent(row, above[row.level.pk], first_row_of, existing, unplaced, errors)
    if SERVICE not in header:
        check_kept_services(first_row_of, existing, services, errors)
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
        raise PlanImportError([row_error(number, message) for number, message in errors])

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
        saved = editable_values(node, codes.get(node.parent_id, ""))
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
        match = VERSION_CELL.match(version_text.lower()) if version_text else None
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
            if exported is not None and cell_digest(saved[index]) != exported[column]:
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
