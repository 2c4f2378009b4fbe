# Sourced: sets VXDB_CACHE_DIR, where builds that outlive a clone are kept (the AVX2 FAISS, the
# base image, the jlinked runtime, the Docker engine's data). Default /var/cache/vxdb for root,
# else ${XDG_CACHE_HOME:-~/.cache}/vxdb.
if [[ -z "${VXDB_CACHE_DIR:-}" ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    VXDB_CACHE_DIR=/var/cache/vxdb
  else
    VXDB_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/vxdb"
  fi
fi
export VXDB_CACHE_DIR
mkdir -p "$VXDB_CACHE_DIR"
