# Lifeboat. `make demo` builds and opens the demo window; `make test` runs
# every test. Both install the Debian/Ubuntu packages they need when missing.
# `make fuzz` runs every fuzz target for FUZZTIME (see FUZZING.md).
SHELL := /bin/bash
export LANG := C.UTF-8

export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

# The window needs cgo, OpenGL and X11 headers; tests need only gcc (for -race)
# because they use Fyne's software driver (-tags ci).
WINDOW_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev
TEST_PKGS := gcc poppler-utils zbar-tools nginx chromium
SHOT_PKGS := xvfb imagemagick xdotool poppler-utils curl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

.PHONY: demo build test fuzz fuzz-smoke bench screenshots window-check window-deps test-deps fhir-server-deps package package-windows package-check release

demo: build
	./lifeboat demo

# The version, commit and commit time stamped into the binary (lifeboat
# version): a v* tag names the version, else the development one.
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' 2>/dev/null | sed 's/^v//' || true)
STAMP = -X lifeboat/app.stampVersion=$(or $(VERSION),0.9.0-dev) \
	-X lifeboat/app.stampCommit=$(shell git rev-parse HEAD 2>/dev/null) \
	-X lifeboat/app.stampDate=$(shell git log -1 --format=%cI 2>/dev/null)

build: window-deps
	$(GO) build -ldflags "$(STAMP)" -o lifeboat .

# staticcheck, pinned, from the Go module proxy: zero findings is the rule.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

test: test-deps fhir-server-deps
	$(GO) vet -tags ci ./...
	GOOS=windows CGO_ENABLED=0 $(GO) vet -tags ci ./...
	$(GO) run $(STATICCHECK) -tags ci ./...
	$(GO) test -race -tags ci -count=1 -timeout 25m ./...
	$(MAKE) fuzz-smoke
	@# The window's and the packages' checks side by side (each is mostly one
	@# process at a time), their system packages installed first: two apt-gets
	@# at once would fight over dpkg's lock.
	$(call apt_install,$(WINDOW_PKGS) $(SHOT_PKGS) $(PACKAGE_PKGS) $(PACKAGE_CHECK_PKGS) $(WINDOWS_PKGS) $(WINE_PKGS))
	LIFEBOAT_WINE_SCRIPTS="readme record" $(MAKE) -j2 --output-sync=target window-check package-check
	$(RELEASE)

# Every fuzz target, one after the other, for FUZZTIME each; ends with a
# table of what ran, how long, and the executions (docs/fuzz.sh).
FUZZTIME ?= 5m
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./docs/fuzz.sh

# The same for a few seconds each, as part of make test (about 1.5 minutes); an
# input that hangs a target fails it after 5 minutes.
fuzz-smoke:
	FUZZTIME=3s FUZZMINIMIZE=1s FUZZTIMEOUT=5m GO=$(GO) ./docs/fuzz.sh

# A real window under Xvfb: the demo opens, unlocks and shows a chart.
window-check: build
	$(call apt_install,$(SHOT_PKGS))
	./docs/window-check.sh

# The .deb (packaging/README.md): make build's binary with -trimpath, the
# window's desktop entries, the services, /etc/lifeboat/lifeboat.toml.
# Debian's version is VERSION's: 0.9.0-dev is 0.9.0~dev (before 0.9.0),
# 1.2.0-3-gabc1234 (three commits after v1.2.0) is 1.2.0+3.gabc1234.
DEB_VERSION = $(shell echo '$(or $(VERSION),0.9.0-dev)' | sed -E 's/-([0-9]+)-g([0-9a-f]+)$$/+\1.g\2/; s/-/~/g')
DEB := dist/lifeboat_$(DEB_VERSION)-1_amd64.deb
PACKAGE_PKGS := dpkg-dev
PACKAGE_CHECK_PKGS := lintian debootstrap systemd

package: window-deps
	$(call apt_install,$(PACKAGE_PKGS))
	GO=$(GO) DEB_VERSION='$(DEB_VERSION)' LDFLAGS='$(STAMP)' ./packaging/build.sh

# Windows (packaging/windows/README.md): lifeboat.exe and the window's
# launcher lifeboatw.exe, cross-built with mingw-w64, and their MSI, made by
# wixl: dist/windows/ and dist/lifeboat-VERSION-x64.msi.
MSI := dist/lifeboat-$(or $(VERSION),0.9.0-dev)-x64.msi
WINDOWS_PKGS := gcc-mingw-w64-x86-64 wixl msitools file
WINE_PKGS := wine wine64

package-windows:
	$(call apt_install,$(WINDOWS_PKGS))
	GO=$(GO) VERSION='$(or $(VERSION),0.9.0-dev)' LDFLAGS='$(STAMP)' ./packaging/windows/build.sh

# The packages' checks, which make test runs too. The .deb's
# (packaging/check.sh): its contents, lintian, systemd-analyze verify on its
# units, and installing, removing and purging it in a Debian chroot made
# once by debootstrap (kept in ~/.cache/lifeboat/debootstrap). Windows's
# (packaging/windows/check.sh): the programs' resources, the MSI's tables,
# and under Wine (a prefix kept in ~/.cache/lifeboat/wine) the command-line
# stories, the Windows-only tests, the launcher, and installing and
# removing the MSI.
package-check: package package-windows
	$(call apt_install,$(PACKAGE_CHECK_PKGS) $(WINE_PKGS))
	./packaging/check.sh '$(DEB)'
	GO=$(GO) ./packaging/windows/check.sh '$(MSI)'

# A release's files in dist/ (packaging/release.sh): the .deb, the MSI,
# lifeboat.exe, a CycloneDX SBOM of each program and SHA256SUMS; the Linux
# program is built twice, elsewhere, and must be the same bytes.
# (make test runs RELEASE on the packages package-check built.)
RELEASE = GO=$(GO) DEB='$(DEB)' MSI='$(MSI)' LDFLAGS='$(STAMP)' ./packaging/release.sh

release: package package-windows
	$(RELEASE)

# bench/run.sh writes the output to a dated result file under bench/ and
# regenerates BENCHMARKS.md's tables from it (bench/report); BENCH names the
# parts to run (default: all), e.g. make bench BENCH="kiosk-unlock journal".
bench: test-deps fhir-server-deps
	GO=$(GO) ./bench/run.sh $(BENCH)

# The demo window's pictures under Xvfb, then the bedside-safety scenes
# (code status, NEWS2, the hard stop, an infusion's rate) in the real
# window at 1366x768, from a ward made up for them (docs/scenes/ward.json),
# then a printed pack's page 1, the reconciliation worklist and a report's
# page 1 from a reconciliation against the test FHIR server (sync/fhirtest).
screenshots: build fhir-server-deps
	$(call apt_install,$(SHOT_PKGS))
	./docs/screenshots.sh

window-deps:
	$(call apt_install,$(WINDOW_PKGS))

test-deps:
	$(call apt_install,$(TEST_PKGS))

# The FHIR server the sync tests run against (sync/fhirtest) needs Node.js
# and its npm packages, installed exactly as the lock file says, from npm's
# cache when they are there. The packages ask for Node 20.19 or later; apt
# gives Debian 12 its Node 18, which they do not promise to support. Without
# node those tests skip; a failed npm ci is only a warning here, because the
# tests then fail and say why.
FHIR_SERVER := sync/fhirtest/server

fhir-server-deps:
	@if ! command -v node >/dev/null; then \
		echo "Installing Node.js for the FHIR test server"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs >/dev/null; \
	fi
	@if command -v node >/dev/null && ! command -v npm >/dev/null; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm >/dev/null; \
	fi
	@if command -v npm >/dev/null && { [ ! -f $(FHIR_SERVER)/node_modules/.package-lock.json ] || \
		[ $(FHIR_SERVER)/package-lock.json -nt $(FHIR_SERVER)/node_modules/.package-lock.json ]; }; then \
		(cd $(FHIR_SERVER) && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) || \
		echo "warning: npm ci failed in $(FHIR_SERVER); the FHIR server tests will fail"; \
	fi
