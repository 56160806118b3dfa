#!/usr/bin/env bash
# Build the JupyterLab sidebar (labextension/) into the prebuilt extension that the wheel
# ships (analyst_magics/labextension/, production mode). Needs Node >= 20.19 and npm.
#
# Idempotent and quick when nothing changed: `npm ci` runs only when package-lock.json
# differs from the last install, the build only when a source file differs from the last
# build. FORCE=1 rebuilds anyway.
#
# When .venv holds an editable install of this checkout, the build folder is also linked
# into .venv/share/jupyter/labextensions/analyst-magics, so `jupyter lab` loads every new
# build without reinstalling (hatch's editable wheel copies shared data once, at install).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=analyst_magics/labextension
name=analyst-magics   # the npm package name of labextension/package.json
python=${PYTHON:-$root/.venv/bin/python}

# Fingerprint of files: their names and contents.
fingerprint() {
    find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

cd labextension
lock_stamp=node_modules/.analyst-lock.sha256
lock=$(fingerprint package-lock.json)
if [ "${FORCE:-0}" = 1 ] || [ "$(cat "$lock_stamp" 2>/dev/null)" != "$lock" ]; then
    npm ci --no-audit --no-fund
    echo "$lock" > "$lock_stamp"
fi

build_stamp=lib/.analyst-build.sha256
sources=$(fingerprint src style install.json package.json package-lock.json tsconfig.json)
if [ "${FORCE:-0}" = 1 ] || [ ! -f "$root/$out/package.json" ] \
        || [ "$(cat "$build_stamp" 2>/dev/null)" != "$sources" ]; then
    npm run build
    echo "$sources" > "$build_stamp"
else
    echo "labextension: up to date ($out)"
fi
cd "$root"

if [ -x "$python" ]; then
    # Run outside the checkout, so that only an installed analyst_magics is found.
    origin=$(cd / && "$python" -c 'import importlib.util as u; s = u.find_spec("analyst_magics"); print(s.origin if s else "")')
    if [ "$origin" = "$root/analyst_magics/__init__.py" ]; then
        prefix=$("$python" -c 'import sys; print(sys.prefix)')
        link=$prefix/share/jupyter/labextensions/$name
        if [ "$(readlink "$link" 2>/dev/null)" != "$root/$out" ]; then
            rm -rf "$link"
            mkdir -p "$(dirname "$link")"
            ln -s "$root/$out" "$link"
            echo "labextension: linked $link -> $out"
        fi
    fi
fi
