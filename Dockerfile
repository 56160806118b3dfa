# analyst_magics in JupyterLab: the sidebar, the magics, the REST face, PDF reports.
#
#   docker build -t analyst-magics .
#   docker run -p 8888:8888 -e JUPYTER_TOKEN=$(openssl rand -hex 24) analyst-magics
#
# Run by JupyterHub (KubeSpawner, DockerSpawner), the same image starts jupyterhub-singleuser
# with the hub's auth: the hub sets JUPYTERHUB_API_TOKEN, and the start command follows it.
# Settings are ANALYST_* variables (see .env.example), e.g. -e ANALYST_LLM_BASE_URL=...

# ---------------------------------------------------------------- the sidebar (Node)
FROM node:20-bookworm-slim AS labextension
WORKDIR /src
COPY labextension/ labextension/
COPY scripts/build_labextension.sh scripts/
RUN bash scripts/build_labextension.sh

# ---------------------------------------------------------------- the wheel
FROM python:3.11-slim-bookworm AS wheel
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
COPY --from=labextension /src/analyst_magics/labextension analyst_magics/labextension
RUN pip install --no-cache-dir "build==1.*" \
    && python -m build --wheel --outdir /dist

# ---------------------------------------------------------------- runtime
FROM python:3.11-slim-bookworm
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 \
    ANALYST_CHROMIUM=/usr/bin/chromium ANALYST_DATA_DIR=/srv/analyst \
    HOME=/home/jovyan
# Debian's Chromium prints the PDF reports; tini reaps the sandbox's and kernels' children.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 --shell /bin/bash jovyan \
    && mkdir -p /srv/analyst && chown 1000:1000 /srv/analyst
COPY --from=wheel /dist/*.whl /tmp/
COPY deploy/start.sh /usr/local/bin/start-analyst
RUN pip install --no-cache-dir /tmp/*.whl "jupyterlab>=4.6,<5" "jupyterhub>=5,<6" \
    && rm /tmp/*.whl \
    && pip check
USER 1000
WORKDIR /home/jovyan
EXPOSE 8888
ENTRYPOINT ["tini", "--"]
CMD ["start-analyst"]
