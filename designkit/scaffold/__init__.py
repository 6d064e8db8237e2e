"""``designkit scaffold``: turn a parsed design into a runnable pipeline project.

Planning (what files, with what bytes) is pure and separate from writing (where
the safety rules live: no path outside the output folder, never overwrite what
the user changed), so each can be tested on its own.
"""

from __future__ import annotations

from designkit.scaffold.plan import Plan, plan_project
from designkit.scaffold.write import FileAction, Report, write_project

__all__ = ["FileAction", "Plan", "Report", "plan_project", "write_project"]
