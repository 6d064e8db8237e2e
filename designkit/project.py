"""Where designkit lives on the web: the one place its public addresses are written.

Reports link back to the project (SARIF ``informationUri``) and to the section of
the published docs that explains each rule (SARIF ``helpUri``). ``pyproject.toml``
names the same repository in ``[project.urls]``; a test keeps the two equal.
"""

from __future__ import annotations

REPOSITORY_URL = "https://github.com/designkit-dev/designkit"
DOCS_URL = f"{REPOSITORY_URL}/blob/main/docs"
"""The ``docs/`` folder as GitHub shows it on the default branch.

The default branch rather than a release tag: a rule added since the last
release has its section there, and an id is never reused for another rule.
"""
RULES_PAGE = "rules.md"
"""``docs/rules.md``: one section per lint code and criterion, generated."""
