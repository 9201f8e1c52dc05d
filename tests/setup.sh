#!/usr/bin/env bash
# Set up a fresh Debian machine and build both extensions.
# As root, installs from apt (only when missing) the browsers the end-to-end tests drive, their Chinese
# languages, a Chinese font and epubcheck, then the exact npm dependencies, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
# Chromium's UI languages (its Chinese UI is what the Chinese-strings tests run in).
[[ -e /usr/lib/chromium/locales/zh-CN.pak ]] || need+=(chromium-l10n)
command -v firefox-esr >/dev/null || need+=(firefox-esr)
# Firefox's Chinese language pack: without it Firefox shows the extension in English.
[[ -e /usr/lib/firefox-esr/browser/extensions/langpack-zh-CN@firefox-esr.mozilla.org.xpi ]] || need+=(firefox-esr-l10n-zh-cn)
# A Chinese font, as readers have: the browser tests measure how Chinese titles are drawn (full-width “ ”
# beside a narrow ’), which a machine with Latin fonts alone cannot show.
fc-list :lang=zh family 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
command -v epubcheck >/dev/null || need+=(epubcheck)
# The Firefox tests' local HTTPS site makes its certificate with openssl.
command -v openssl >/dev/null || need+=(openssl)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${need[*]} from apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]}; install them with apt (as root) to run the browser tests" >&2
  fi
fi

npm ci --no-audit --no-fund
npm run build
