#!/usr/bin/env bash
# packaging/licences.sh: print the copyright file of a package: Lifeboat's
# notice (packaging/copyright), then the licence of Go and of every module
# compiled into the program for the GOOS and GOARCH in the environment,
# from the module cache (the Apache License 2.0 by reference to Debian's
# copy, as Debian asks, or to apache.org on Windows). packaging/build.sh
# and packaging/windows/build.sh run it.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
apache=${APACHE_LICENCE:-/usr/share/common-licenses/Apache-2.0}

licence() { # FILE: its text, or its notice and a reference for Apache 2.0
	if grep -q 'Apache License' "$1" && grep -q 'Version 2.0, January 2004' "$1"; then
		awk '/Apache License/ {exit} {print}' "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
		echo "Licensed under the Apache License, Version 2.0: $apache"
	else
		cat "$1"
	fi
}
rule='------------------------------------------------------------------------'
cat packaging/copyright
printf '\n%s\nGo %s (the runtime and standard library)\n%s\n\n' "$rule" "$("$GO" env GOVERSION)" "$rule"
licence "$("$GO" env GOROOT)/LICENSE"
"$GO" list -deps -f '{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}} {{.Dir}}{{end}}{{end}}' "${1:-.}" | sort -u |
	while read -r path version dir; do
		printf '\n%s\n%s %s\n%s\n\n' "$rule" "$path" "$version" "$rule"
		found=
		for f in "$dir"/LICENSE* "$dir"/LICENCE* "$dir"/COPYING* "$dir"/NOTICE* "$dir"/PATENTS*; do
			[ -f "$f" ] || continue
			found=1
			licence "$f"
			echo
		done
		[ -n "$found" ] || echo "(no licence file at the module's root)"
	done
