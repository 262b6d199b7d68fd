# Installs Debian packages (source this file).
#
#   install_packages PACKAGE...        # apt-get install, as root or through sudo
#   install_missing CHECK:PACKAGE...   # CHECK is a file (glob) that must exist or a command that must
#                                      # be on PATH; each PACKAGE whose CHECK fails is installed

install_packages() {
    local sudo=()
    [ $# -gt 0 ] || return 0
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    printf '==> installing %s\n' "$*" >&2
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_missing() {
    local pair check packages=()
    for pair in "$@"; do
        check=${pair%%:*}
        if [[ $check == /* ]]; then
            compgen -G "$check" >/dev/null && continue
        else
            command -v "$check" >/dev/null && continue
        fi
        packages+=("${pair#*:}")
    done
    install_packages "${packages[@]}"
}

# The C libraries the build links: hiredis (the Redis client), zlib (gzip) and Snappy (Loki's push).
build_packages=(/usr/include/hiredis/hiredis.h:libhiredis-dev /usr/include/zlib.h:zlib1g-dev
    /usr/include/snappy-c.h:libsnappy-dev)
