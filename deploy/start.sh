#!/bin/sh
# The container's command: jupyterhub-singleuser when a hub started it, else jupyter lab with
# the token from JUPYTER_TOKEN (required: a server on 0.0.0.0 must never run without one).
set -eu
if [ -n "${JUPYTERHUB_API_TOKEN:-}" ]; then
    exec jupyterhub-singleuser --ip=0.0.0.0 --port="${PORT:-8888}" "$@"
fi
if [ -z "${JUPYTER_TOKEN:-}" ]; then
    echo "start-analyst: set JUPYTER_TOKEN (e.g. -e JUPYTER_TOKEN=\$(openssl rand -hex 24))" >&2
    exit 2
fi
exec jupyter lab --ip=0.0.0.0 --port="${PORT:-8888}" --no-browser \
    --ServerApp.root_dir=/home/jovyan "$@"
