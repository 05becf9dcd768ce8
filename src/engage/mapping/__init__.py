"""Community mapping: asset map, stakeholder grid, partner network, coalition stages, CSV, figures.

Plain logic only (no widgets). The figure functions need matplotlib, which is imported on
first use of one of them, so importing this package stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engage.mapping.assets import (
    ASSET_CATEGORIES,
    Asset,
    AssetCategory,
    AssetMap,
    asset_map_alt_text,
)
from engage.mapping.coalition import (
    STAGE_IDS,
    Assessment,
    CoalitionStages,
    Stage,
    StageProgress,
    Statement,
    assess_coalition,
    load_coalition_stages,
)
from engage.mapping.csvio import (
    COLUMNS,
    KINDS,
    Column,
    CsvProblem,
    ImportResult,
    Kind,
    export_csv,
    export_csv_bytes,
    import_assets,
    import_csv,
    import_partners,
    import_stakeholders,
    template_csv,
)
from engage.mapping.merge import Conflict, FieldDifference, MergeResult, merge
from engage.mapping.partners import (
    LEVELS,
    Partner,
    PartnerNetwork,
    Relationship,
    RelationshipLevel,
    level_rank,
    partner_network_alt_text,
)
from engage.mapping.stakeholders import (
    HIGH_FROM,
    QUADRANTS,
    STRATEGIES,
    Change,
    Quadrant,
    StakeholderGrid,
    StakeholderRating,
    quadrant,
    stakeholder_change_alt_text,
    stakeholder_grid_alt_text,
)

if TYPE_CHECKING:
    from engage.mapping.figures import (
        Chart,
        asset_map_chart,
        figure_png,
        figure_svg,
        partner_network_chart,
        stakeholder_change_chart,
        stakeholder_grid_chart,
    )

_FIGURE_NAMES = {
    "Chart",
    "asset_map_chart",
    "figure_png",
    "figure_svg",
    "partner_network_chart",
    "stakeholder_change_chart",
    "stakeholder_grid_chart",
}


def __getattr__(name: str) -> Any:
    """Import the figure functions (and matplotlib) only when first used."""
    if name in _FIGURE_NAMES:
        from engage.mapping import figures

        return getattr(figures, name)
    raise AttributeError(f"module 'engage.mapping' has no attribute {name!r}")


__all__ = [
    "ASSET_CATEGORIES",
    "COLUMNS",
    "HIGH_FROM",
    "KINDS",
    "LEVELS",
    "QUADRANTS",
    "STAGE_IDS",
    "STRATEGIES",
    "Assessment",
    "Asset",
    "AssetCategory",
    "AssetMap",
    "Change",
    "Chart",
    "CoalitionStages",
    "Column",
    "Conflict",
    "CsvProblem",
    "FieldDifference",
    "ImportResult",
    "Kind",
    "MergeResult",
    "Partner",
    "PartnerNetwork",
    "Quadrant",
    "Relationship",
    "RelationshipLevel",
    "Stage",
    "StageProgress",
    "StakeholderGrid",
    "StakeholderRating",
    "Statement",
    "assess_coalition",
    "asset_map_alt_text",
    "asset_map_chart",
    "export_csv",
    "export_csv_bytes",
    "figure_png",
    "figure_svg",
    "import_assets",
    "import_csv",
    "import_partners",
    "import_stakeholders",
    "level_rank",
    "load_coalition_stages",
    "merge",
    "partner_network_alt_text",
    "partner_network_chart",
    "quadrant",
    "stakeholder_change_alt_text",
    "stakeholder_change_chart",
    "stakeholder_grid_alt_text",
    "stakeholder_grid_chart",
    "template_csv",
]
