"""``designkit roadmap``: the changes that bring a design to a target level, proven by re-scoring."""

from designkit.roadmap.changes import Edit, apply_to_document
from designkit.roadmap.plan import Roadmap, parse_target, plan_roadmap

__all__ = ["Edit", "Roadmap", "apply_to_document", "parse_target", "plan_roadmap"]
