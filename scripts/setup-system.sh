#!/usr/bin/env bash
# System packages the grader and its tests use: bubblewrap (the sandbox),
# Chromium (the browser tests drive it through Playwright) and fonts-noto-cjk (the
# notebooks' Korean terms, in the browser and in plots).  Needs root and apt; on any
# other machine it says what is missing and carries on, and the grader falls
# back to weaker isolation with a loud warning.
set -u
missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v chromium >/dev/null || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} with apt-get"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "WARNING: please install ${missing[*]} (Debian packages); without bubblewrap student code is not sandboxed" >&2
fi
exit 0
