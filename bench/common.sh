# Shared by the bench scripts: the PyTorch reference interpreter and the dlsec launcher.
PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian's python3-torch for the reference runs ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
  else
    echo "the reference runs need Debian's python3-torch (apt-get install python3-torch)" >&2; exit 2
  fi
fi
DLSEC=${DLSEC:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dlsec"}
export OPT_OUT_TRACKING=true
