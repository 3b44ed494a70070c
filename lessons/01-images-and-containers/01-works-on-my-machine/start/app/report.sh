#!/bin/sh
# report.sh: prints today's sales report.
# It needs Python 3.12 or newer (it was written on a laptop with Python 3.13).
if ! command -v python3 >/dev/null 2>&1; then
  echo "report: python3: not found" >&2
  exit 127
fi
version=$(python3 --version)
echo "report: running on $version"
case "$version" in
  "Python 3.12"* | "Python 3.13"*) echo "report: 42 orders today, 3 refunds" ;;
  *) echo "report: this report needs Python 3.12 or newer" >&2; exit 1 ;;
esac
