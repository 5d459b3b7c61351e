"""Inventory rules, shared by the UI, the API, CSV import and other modules.

Other modules (repairs) call `reserve`, `release` and `consume`.
"""

from modules.inventory.services.stock import (
    available,
    balance_of,
    consume,
    post_move,
    release,
    reserve,
    reverse_move,
)

__all__ = ["available", "balance_of", "consume", "post_move", "release", "reserve", "reverse_move"]
