#!/usr/bin/env bash
# System packages the test suite uses: headless Chromium and its driver (browser smoke tests), CJK
# fonts for screenshots, and LibreOffice Writer (the 任免审批表 rendered to PDF). Installed when missing
# and we are root; otherwise those tests skip (unless GANBU_REQUIRE_BROWSER=1, as in CI, where they
# fail instead).
set -uo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null || need+=(poppler-utils)  # page images of the rendered form
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need[*]} ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
      || echo "could not install ${need[*]}; browser and PDF tests will be skipped" >&2
  else
    echo "missing ${need[*]} (not root); browser and PDF tests will be skipped" >&2
  fi
fi
exit 0
