"""The audit actions the home app writes, with the labels the 记实 page shows."""

from __future__ import annotations

EVENTS = {
    "demo.seed": "生成示范县数据",  # demo.py (the seed_demo command)
}
