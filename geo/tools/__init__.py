"""Tools: measurement and load tooling (bench, eval, stress with the Streamlit protocol client, the Chromium
launcher). Nothing in the product imports these."""

from geo import lazy_exports

_EXPORTS = {
    "run_bench": "bench",
    "evaluate_file": "evaluate",
    "run_stress": "stress",
    "AppSession": "stclient",
    "launch": "chromium",
    "run_app_bench": "app_bench",
    "run_phases": "phases",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
