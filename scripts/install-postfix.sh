#!/bin/sh
# Installs Debian's Postfix for tests/live_postfix.rs, which runs its own private Postfix instance.
#
# Idempotent and non-interactive; run as root on Debian or Ubuntu. The system instance is left unconfigured
# ("No configuration") and stopped: the test starts its own instance with `postfix -c DIR`, and a running
# system instance would only compete for the same binaries' locks and ports.
set -eu

if [ "$(id -u)" -ne 0 ]; then
    echo "install-postfix.sh: must run as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

need=""
for pkg in postfix postfix-pcre; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        need="$need $pkg"
    fi
done

if [ -n "$need" ]; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    # A policy-rc.d that forbids starts keeps the package scripts from starting the system instance inside
    # containers and CI images; restored afterwards.
    policy=/usr/sbin/policy-rc.d
    saved=""
    if [ -e "$policy" ]; then
        saved="$(mktemp)"
        cp -p "$policy" "$saved"
    fi
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    restore() {
        if [ -n "$saved" ]; then mv "$saved" "$policy"; else rm -f "$policy"; fi
    }
    trap restore EXIT
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $need
    restore
    trap - EXIT
fi

# "No configuration" leaves no main.cf; postfix(1) still wants one to exist for its own tools.
if [ ! -e /etc/postfix/main.cf ] && [ -e /usr/share/postfix/main.cf.debian ]; then
    cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
fi

# Never leave the system instance running (an earlier install may have started it).
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl stop postfix.service >/dev/null 2>&1 || true
    systemctl disable postfix.service >/dev/null 2>&1 || true
fi
if /usr/sbin/postfix status >/dev/null 2>&1; then
    /usr/sbin/postfix stop || true
fi

/usr/sbin/postconf -d mail_version
