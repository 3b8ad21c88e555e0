#!/usr/bin/env bash
# System packages the test suite uses: headless Chromium and its driver (browser smoke tests) and
# CJK fonts for screenshots. Installed when missing and we are root; otherwise the browser tests skip
# (unless GANBU_REQUIRE_BROWSER=1, as in CI, where they fail instead).
set -uo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need[*]} ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
      || echo "could not install ${need[*]}; browser tests will be skipped" >&2
  else
    echo "missing ${need[*]} (not root); browser tests will be skipped" >&2
  fi
fi
exit 0
