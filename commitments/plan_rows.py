"""A plan file's rows as the import reads them (`plan_import`): the header, each row's
cells resolved to a level, an area, a service and its SDGs, and what is wrong with each,
one sentence a cell, numbered by the row as the spreadsheet shows it."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commitments.models import (
    LEAF_NEEDS_AREA,
    PLAN_TEXT_MAX_LENGTH,
    PlanLevel,
    PlanNode,
)
from commitments.plan_io import (
    AREA,
    CODE,
    LEVEL,
    PARENT,
    PLAN_COLUMNS,
    RELATED,
    SDGS,
    SERVICE,
    TEXT,
    VERSION,
)
from governance.models import Area, Service
from terrassa_plis.imports import RefusedImport
from terrassa_plis.text_bounds import too_long

# A file without Servei or ODS leaves those fields as they are; the others are needed
# to place a row in the tree at all.
REQUIRED_COLUMNS = [LEVEL, CODE, PARENT, TEXT, AREA]

SDG_RANGE = range(1, 18)
CODE_MAX_LENGTH = PlanNode._meta.get_field("code").max_length


class PlanImportError(RefusedImport):
    """The file has errors; nothing was saved. `errors` holds one sentence each."""


@dataclass(eq=False)
class Row:
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


def split_header(rows: list[list[str]]) -> tuple[dict[str, int], list[list[str]]]:
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


def cells_by_column(header: dict[str, int], data_rows: list[list[str]]):
    for number, raw in enumerate(data_rows, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        cells = {column: "" for column in [*PLAN_COLUMNS, RELATED, VERSION]}
        for column, index in header.items():
            if index < len(raw):
                cells[column] = raw[index].strip()
        yield number, cells


def row_error(number: int, message: str) -> str:
    return _("Fila %(row)s: %(error)s") % {"row": number, "error": message}


def check_cells(row, mandate, levels, leaf_depth, areas, services, first_row_of, errors):
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

    row.sdgs = parse_sdgs(row.cells[SDGS])
    if row.sdgs is None:
        error(
            _("els ODS han de ser números de l'1 al 17 separats per comes («%(sdgs)s» no ho és)."),
            sdgs=row.cells[SDGS],
        )


def parse_sdgs(cell: str) -> list[int] | None:
    goals = set()
    for part in re.split(r"[,;\s]+", cell):
        if not part:
            continue
        if not part.isdigit() or int(part) not in SDG_RANGE:
            return None
        goals.add(int(part))
    return sorted(goals)


def check_parent(row, above, first_row_of, existing, unplaced, errors):
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


def check_kept_services(first_row_of, existing, services, errors):
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
