#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stands in for a test whose tool is missing on this machine: a TAP plan of
# no tests with the reason, which meson reports as SKIP and prints with
# --print-errorlogs or --verbose. ./dev.sh test installs every tool, so CI
# never gets here.
#
#   skip-test.sh REASON...
echo "# $*" >&2
echo "1..0 # SKIP $*"
