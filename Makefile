# Lifeboat. `make demo` builds and opens the demo window; `make test` runs
# every test. Both install the Debian/Ubuntu packages they need when missing.
SHELL := /bin/bash
export LANG := C.UTF-8

export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

# The window needs cgo, OpenGL and X11 headers; tests need only gcc (for -race)
# because they use Fyne's software driver (-tags ci).
WINDOW_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev
TEST_PKGS := gcc poppler-utils
SHOT_PKGS := xvfb imagemagick xdotool
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

.PHONY: demo build test bench screenshots window-deps test-deps

demo: build
	./lifeboat demo

build: window-deps
	$(GO) build -o lifeboat .

test: test-deps
	$(GO) vet -tags ci ./...
	$(GO) test -race -tags ci -count=1 ./...

bench: test-deps
	$(GO) test -tags ci -run '^$$' -bench 'Build|Seal|Open|Decrypt' -benchtime 5x -count 5 -timeout 60m ./store/ | tee bench.out
	$(GO) test -tags ci -run '^$$' -bench Journal -benchtime 200x -count 5 ./store/ | tee -a bench.out

screenshots: build
	$(call apt_install,$(SHOT_PKGS))
	./docs/screenshots.sh

window-deps:
	$(call apt_install,$(WINDOW_PKGS))

test-deps:
	$(call apt_install,$(TEST_PKGS))
