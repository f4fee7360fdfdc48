# Cordwain build. `make run` opens the app on a sample studio; `make test`
# runs everything CI runs. Both install what they need on Debian/Ubuntu.

SHELL := /bin/bash
GO    ?= go
BIN   := cordwain
DATA  ?=
RUNFLAGS := $(if $(DATA),--data $(DATA),)
# Fyne's no_animations: an idle window draws nothing. With animations a
# focused entry's fading cursor redraws the whole window many times a
# second (17 % CPU under Xvfb against 1 % idle); the cursor then stays
# lit instead of blinking.
TAGS  := no_animations

# System packages: Fyne's cgo build (GL and X11 headers), and the tools the
# tests use as independent readers (qpdf, poppler, ezdxf, rsvg) or for the
# GUI smoke test (Xvfb, xdotool, ImageMagick).
RUN_PKGS  := gcc pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev \
             libxinerama-dev libxi-dev libxxf86vm-dev
TEST_PKGS := $(RUN_PKGS) xvfb xauth xdotool imagemagick x11-utils qpdf \
             poppler-utils python3-ezdxf librsvg2-bin librecad zbar-tools
WIN_PKGS  := gcc-mingw-w64-x86-64
# Cordwain.exe under Wine (Debian's Wine 8; its binaries are in /usr/lib/wine).
WINSMOKE_PKGS := $(WIN_PKGS) wine64 xvfb xauth xdotool imagemagick qpdf \
             poppler-utils libgl1-mesa-dri

.PHONY: all build run test vet unit smoke windows bench killtest \
        deps-run deps-test deps-win deps-winsmoke winsmoke screenshot clean fmt

all: build

build: deps-run
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: build
	./$(BIN) $(RUNFLAGS)

deps-run:
	@scripts/ensure-packages.sh $(RUN_PKGS)
deps-test:
	@scripts/ensure-packages.sh $(TEST_PKGS)
deps-win:
	@scripts/ensure-packages.sh $(WIN_PKGS)
deps-winsmoke:
	@scripts/ensure-packages.sh $(WINSMOKE_PKGS)

test: deps-test vet unit smoke

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy and commit the result"; exit 1; }
	@# Everything but the window (app/ and main, which need cgo) type-checks
	@# for macOS and Windows without cgo; bench/ holds Linux-only tools.
	@pkgs=$$($(GO) list ./... | grep -v -e '^cordwain$$' -e '^cordwain/app' -e '^cordwain/bench'); \
	  for target in darwin/arm64 windows/amd64; do \
	    echo "go vet for $$target"; \
	    GOOS=$${target%/*} GOARCH=$${target#*/} CGO_ENABLED=0 $(GO) vet $$pkgs || exit 1; \
	  done

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

# The real binary under Xvfb, screenshot checked for a drawn window.
smoke: build
	CORDWAIN_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -tags smoke -run Smoke ./internal/smoke/

# Regenerate the README screenshot from the real app under Xvfb.
screenshot: build
	CORDWAIN_BIN=$(CURDIR)/$(BIN) CORDWAIN_SCREENSHOT=$(CURDIR)/docs/screenshot.png \
	  $(GO) test -count=1 -tags smoke -run Smoke ./internal/smoke/

# Windows: cgo cross-build with mingw-w64 from Debian, packaged by the fyne
# tool (icon, version and metadata from FyneApp.toml) into Cordwain.exe.
# `fyne package` bumps Build in FyneApp.toml and reformats it: the file is
# put back afterwards, so a build never leaves the tree changed.
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
windows: deps-win
	GOBIN=$(CURDIR)/build/tools $(GO) install $(FYNE_TOOL)
	cp FyneApp.toml build/FyneApp.toml.keep
	CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc build/tools/fyne package -os windows --release -tags $(TAGS); \
	  rc=$$?; cp build/FyneApp.toml.keep FyneApp.toml; exit $$rc

# Cordwain.exe under Wine and Xvfb in a fresh prefix (internal/winsmoke): the
# window draws, the studio is created, then one edit and one PDF export with
# Windows paths. Builds Cordwain.exe first only when it is missing.
winsmoke: deps-winsmoke
	@test -f Cordwain.exe || $(MAKE) windows
	CORDWAIN_EXE=$(CURDIR)/Cordwain.exe $(GO) test -count=1 -v -timeout 15m \
	  -tags winsmoke -run Wine ./internal/winsmoke/

bench: deps-test
	scripts/bench.sh

killtest:
	CORDWAIN_LONG_KILL=1 $(GO) test -count=1 -run Kill -timeout 60m ./models/store/

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN) Cordwain.exe build
