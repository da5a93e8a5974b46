# require_packages CHECK:PACKAGE... — installs each Debian PACKAGE whose CHECK is missing.
# CHECK is a command name, or a package name when no such command exists.
require_packages() {
  local missing=() pair check package
  for pair in "$@"; do
    check=${pair%%:*}; package=${pair#*:}
    if command -v "$check" >/dev/null 2>&1 || dpkg -s "$check" >/dev/null 2>&1; then continue; fi
    missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
