"""An external module: installed as a distribution with an entry point, not in modules/."""

from app.registry import ModuleManifest

MANIFEST = ModuleManifest(
    name="ext_notes",
    version="0.1",
    summary="Notes on partners (test plug-in)",
    depends=("partners",),
    category="Notes",
    category_label="Notes",
)
