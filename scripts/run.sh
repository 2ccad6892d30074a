#!/usr/bin/env bash
# Set up neageo and run the main job: build geodata/neageo.gpkg and the maps in maps/.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
"$VENV_PY" -m pip install --quiet -e '.[maps]'
.venv/bin/neageo build --maps
