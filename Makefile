# Rapport: `make run` opens the app, `make test` runs the whole suite. Both install what is
# missing first (system packages with apt, npm packages, tauri-driver), so a fresh Debian 12
# or Ubuntu 22.04+ machine needs nothing else.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# A Node.js that make brought for the UI (see deps-node) comes first; the directory is absent
# when the system's own Node.js is new enough.
NODE_HOME := $(CURDIR)/target/node
export PATH := $(NODE_HOME)/bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never
# CI builds once from a fresh clone: incremental caches would only take disk space.
ifdef CI
export CARGO_INCREMENTAL := 0
endif

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BUILD_PKGS := build-essential pkg-config curl wget file libwebkit2gtk-4.1-dev libxdo-dev \
	libssl-dev libayatana-appindicator3-dev librsvg2-dev
TEST_PKGS := xvfb xauth webkit2gtk-driver python3 python3-venv poppler-utils xdotool imagemagick \
	dovecot-imapd
NODE_MIN := 20.19
TAURI := ../ui/node_modules/.bin/tauri
DEB := target/release/bundle/deb/Rapport_0.1.0_amd64.deb

.PHONY: help
help:
	@echo "make run       install what is missing, build, open Rapport on your data file"
	@echo "make test      the whole suite: format, lints, unit, UI, bindings, package, real-window e2e"
	@echo "make bundle    build the .deb installer (target/release/bundle/deb/)"
	@echo "make install-launcher  add Rapport to your desktop's app menu (no root needed)"
	@echo "make bench     time every core operation on 100k generated contacts (release build)"
	@echo "make bench-app cold start and memory of the release app on the benchmark database"
	@echo "make bench-mail the first and an incremental mailbox sync against a local Dovecot"
	@echo "make fuzz      property tests with 20,000 cases each (search input, money, paging, CSV/JSON/vCard import, archive, mail)"
	@echo "make bindings  regenerate the TypeScript bindings and command wrappers from the Rust side"
	@echo "make clean     remove build output"

# ---------------------------------------------------------------- installing what is missing

define apt_install
	missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: deps-system deps-test-system deps-rust deps-node deps-ui deps-e2e deps-tauri-driver deps-python
deps-system:
	@$(call apt_install,$(BUILD_PKGS))

deps-test-system: deps-system
	@$(call apt_install,$(TEST_PKGS))

deps-rust:
	@if ! command -v cargo >/dev/null; then \
	  echo "Installing the Rust toolchain (rustup)"; \
	  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy -c rustfmt; \
	fi
	@rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt 2>/dev/null || true

# The UI's toolchain (Vite, the Tauri CLI) needs Node.js $(NODE_MIN) or newer; Debian 12 and
# Ubuntu 22.04/24.04 ship older ones. Then make brings its own: the official Node.js binary as
# the npm registry serves it (package node-linux-<arch>) and the npm that goes with it, put
# into target/node/ by the system's npm, for this checkout only: no root, nothing
# system-wide, no other site. Every later step finds them first on PATH.
NODE_LOCAL := 24.22.3
NPM_LOCAL := 11.21.2
deps-node:
	@if ! command -v npm >/dev/null; then $(call apt_install,nodejs npm); fi
	@v=$$(node -p process.versions.node 2>/dev/null || echo 0); \
	if [ "$$(printf '%s\n' "$(NODE_MIN)" "$$v" | sort -V | head -n1)" != "$(NODE_MIN)" ]; then \
	  case "$$(uname -m)" in x86_64) arch=x64;; aarch64|arm64) arch=arm64;; armv7l) arch=armv7l;; *) arch=$$(uname -m);; esac; \
	  echo "Node.js $$v on this system is older than the $(NODE_MIN) the UI needs: bringing Node.js $(NODE_LOCAL) into target/node/ (from the npm registry, for this checkout only)."; \
	  rm -rf "$(NODE_HOME)"; mkdir -p "$(NODE_HOME)/bin"; \
	  npm install --prefix "$(NODE_HOME)" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
	    "node-linux-$$arch@$(NODE_LOCAL)" "npm@$(NPM_LOCAL)" >/dev/null; \
	  ln -sf ../node_modules/node-linux-$$arch/bin/node "$(NODE_HOME)/bin/node"; \
	  ln -sf ../node_modules/npm/bin/npm-cli.js "$(NODE_HOME)/bin/npm"; \
	  ln -sf ../node_modules/npm/bin/npx-cli.js "$(NODE_HOME)/bin/npx"; \
	  v=$$("$(NODE_HOME)/bin/node" -p process.versions.node) || { echo "The Node.js brought into target/node/ does not run on this machine ($$(uname -m))."; exit 1; }; \
	fi

# `npm install` honours the lock file; `npm ci` would refuse it, because the lock cannot list
# the Tauri CLI's binaries for other platforms when the registry does not serve them.
ui/node_modules/.install-stamp: ui/package.json ui/package-lock.json
	cd ui && npm install --no-audit --no-fund --ignore-scripts
	touch $@

tests/e2e/node_modules/.install-stamp: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm install --no-audit --no-fund --ignore-scripts
	touch $@

deps-ui: deps-node ui/node_modules/.install-stamp
deps-e2e: deps-node tests/e2e/node_modules/.install-stamp

# The calendar export is checked by Python's icalendar package (a parser nobody here wrote),
# and sent mail by a real SMTP server (aiosmtpd), installed into a virtual environment under
# target/.
PYENV := target/pyenv
$(PYENV)/.install-stamp: tests/ics/requirements.txt tests/smtp/requirements.txt
	python3 -m venv $(PYENV)
	$(PYENV)/bin/pip install --quiet --disable-pip-version-check \
	  -r tests/ics/requirements.txt -r tests/smtp/requirements.txt
	touch $@
deps-python: $(PYENV)/.install-stamp

deps-tauri-driver: deps-rust
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --version '^2'

# ---------------------------------------------------------------- building

.PHONY: ui app-release
ui: deps-ui
	cd ui && npm run --silent build

# The release app with the UI embedded, and its .deb: the one build that `make run` opens, the
# real-window tests drive and the package test checks. The tests use the debug CLI that
# `cargo test` built; `make run` adds the release one beside the app.
app-release: deps-system deps-rust ui
	cd src-tauri && $(TAURI) build --bundles deb --ci

# ---------------------------------------------------------------- running

.PHONY: run
run: app-release
	cargo build --release --locked -p rapport-cli
	@echo "Opening Rapport on $${RAPPORT_DB:-$$HOME/.local/share/rapport/rapport.db}"
	./target/release/rapport-desktop

# ---------------------------------------------------------------- testing

.PHONY: test check-fmt clippy test-rust bindings-check test-ics test-smtp test-imap test-ui test-newcomer test-package test-e2e
test: check-disk deps-test-system deps-rust deps-ui deps-e2e deps-tauri-driver deps-python
	@$(MAKE) check-fmt
	@$(MAKE) ui
	@$(MAKE) clippy
	@$(MAKE) test-rust
	@$(MAKE) bindings-check
	@$(MAKE) test-ics
	@$(MAKE) test-smtp
	@$(MAKE) test-imap
	@$(MAKE) test-ui
	@$(MAKE) test-newcomer
	@$(MAKE) free-debug-build
	@$(MAKE) app-release
	@$(MAKE) test-package
	@$(MAKE) test-e2e
	@echo "make test: all checks passed"

check-fmt:
	cargo fmt --all --check

# What make test writes: target/ (debug and release builds), the crates, npm packages and the
# test data. With $(TEST_DISK_GB) GB free it keeps both builds, so the next run only rebuilds
# what changed. With less (CI machines have had 6 GB), it runs lean: clippy builds into
# target/clippy and removes it, and the debug build's intermediate files go once its tests
# ran, before the release build (the binaries the later tests use stay). The peak is then the
# larger build, not the sum, and the next run rebuilds from scratch. Below
# $(TEST_DISK_LEAN_GB) GB even that does not fit: when the disk fills midway, rustc dies with
# an internal error that does not say why, so say it first, in plain words.
TEST_DISK_GB ?= 8
TEST_DISK_LEAN_GB ?= 4
LEAN := target/.lean-build
.PHONY: check-disk free-debug-build
check-disk:
	@have=$$(df -Pk . | awk 'NR==2 {print $$4}'); \
	built=$$( [ -d target ] && du -sk target | cut -f1 || echo 0); \
	full=$$(( $(TEST_DISK_GB) * 1048576 - built )); \
	lean=$$(( $(TEST_DISK_LEAN_GB) * 1048576 )); \
	mkdir -p target; rm -f $(LEAN); \
	if [ "$$have" -ge "$$full" ]; then exit 0; fi; \
	if [ "$$have" -lt "$$lean" ]; then \
	  echo "make test needs about $(TEST_DISK_LEAN_GB) GB free for its builds in $$(pwd)/target, but only $$(( have / 1048576 )) GB is free. Free some disk space (or run 'make clean') and try again."; \
	  exit 1; \
	fi; \
	echo "Only $$(( have / 1048576 )) GB free (a build that keeps its caches needs about $(TEST_DISK_GB) GB): make test runs lean, removing each build's intermediate files once done with them."; \
	touch $(LEAN)

# Once the debug build's tests ran: keep its binaries (the CLI and rapport-bench the later
# tests use), remove what built them.
free-debug-build:
	@if [ -f $(LEAN) ]; then \
	  echo "Removing the debug build's intermediate files ($$(du -sh target/debug | cut -f1)) before the release build."; \
	  rm -rf target/debug/deps target/debug/build target/debug/.fingerprint target/debug/incremental target/debug/examples; \
	fi

clippy:
	@if [ -f $(LEAN) ]; then \
	  echo "cargo clippy --workspace --all-targets --locked -- -D warnings (into target/clippy, removed after)"; \
	  CARGO_TARGET_DIR=target/clippy cargo clippy --workspace --all-targets --locked -- -D warnings; \
	  rm -rf target/clippy; \
	else \
	  cargo clippy --workspace --all-targets --locked -- -D warnings; \
	fi

# ts-rs rewrites ui/src/lib/api/bindings while the tests run, and the desktop's
# export_bindings_commands test ui/src/lib/api/commands.ts (the typed wrapper of each
# command); the desktop's build script writes the capability and the permission files from
# src-tauri/src/commands/list.rs. bindings-check then fails if a committed copy differs (or
# a type's file went stale).
GENERATED := ui/src/lib/api/bindings ui/src/lib/api/commands.ts src-tauri/capabilities src-tauri/permissions
test-rust:
	rm -rf ui/src/lib/api/bindings
	cargo test --workspace --locked

bindings-check:
	@if [ -n "$$(git status --porcelain -- $(GENERATED))" ]; then \
	  git status --short -- $(GENERATED); \
	  echo "The committed TypeScript bindings, command wrappers or permissions are stale: run 'make bindings' and commit them."; \
	  exit 1; \
	fi
	@echo "TypeScript bindings, command wrappers and permissions match the Rust side."

.PHONY: bindings
bindings:
	rm -rf ui/src/lib/api/bindings
	cargo test --workspace --locked export_bindings

# `cargo test` built target/debug/rapport; the export it writes is parsed by icalendar.
test-ics: deps-python
	cargo build --locked -p rapport-cli
	RAPPORT_CLI=target/debug/rapport $(PYENV)/bin/python -m unittest -v tests/ics/test_ics.py

# Mail from the CLI, received by a real SMTP server (aiosmtpd) the tests start on loopback.
test-smtp: deps-python
	cargo build --locked -p rapport-cli
	RAPPORT_CLI=target/debug/rapport $(PYENV)/bin/python -m unittest -v tests/smtp/test_smtp.py

# Mail read by the CLI from a real IMAP server (Dovecot, from the system packages) that each
# test starts on loopback with its own configuration; replies go through aiosmtpd first.
test-imap: deps-python
	cargo build --locked -p rapport-cli
	RAPPORT_CLI=target/debug/rapport $(PYENV)/bin/python -m unittest -v tests/imap/test_imap.py

test-ui: deps-ui
	cd ui && npm run --silent typecheck
	cd ui && npm run --silent lint
	cd ui && npm test --silent

# A clean clone on a system whose Node.js is too old (Debian 12, Ubuntu) brings its own.
test-newcomer: deps-node
	tests/newcomer/old-node.sh

test-package:
	tests/package/deb-contents.sh $(DEB)

# The release app (what `make run` opens) on its own X server (Xvfb), never on the desktop you
# are looking at. `cargo test` built the debug CLI and rapport-bench the tests seed data with.
test-e2e: deps-e2e
	cd tests/e2e && env -u DISPLAY -u WAYLAND_DISPLAY RAPPORT_APP=$(CURDIR)/target/release/rapport-desktop npm test

# ---------------------------------------------------------------- measuring

# Generates the 100k dataset and times each operation next to a raw-SQLite baseline;
# updates docs/benchmarks.md (between its result markers) and docs/benchmarks.json.
.PHONY: bench
bench: deps-rust
	cargo run --release --locked -p rapport-devtools --bin rapport-bench -- run

# The real desktop app on the benchmark database: cold start and resident memory. Needs the
# database `make bench` generates, and builds the release app (about 9 minutes the first time).
.PHONY: bench-app
bench-app: deps-test-system deps-e2e deps-tauri-driver app-release
	cd tests/e2e && env -u DISPLAY -u WAYLAND_DISPLAY RAPPORT_APP=../../target/release/rapport-desktop node bench-app.mjs

# The mailbox sync against a private Dovecot: the first sync of a generated 10,000-message
# inbox (5 % from known contacts) and an incremental one with nothing new (release CLI).
.PHONY: bench-mail
bench-mail: deps-test-system deps-python
	cargo build --release --locked -p rapport-cli
	$(PYENV)/bin/python tests/imap/bench_mail.py --cli target/release/rapport

# Property tests with many more cases than `make test` runs: the stable-toolchain stand-in
# for cargo-fuzz (which needs nightly, and no other toolchain can be installed here).
.PHONY: fuzz
fuzz: deps-rust
	PROPTEST_CASES=$${PROPTEST_CASES:-20000} cargo test --release --locked -p rapport-core --test it properties::

# ---------------------------------------------------------------- packaging

.PHONY: bundle install-launcher clean
bundle: app-release
	@ls -1 target/release/bundle/deb/*.deb

# Adds the app menu entry and icon for the current user, pointing at the release build.
install-launcher: app-release
	install -Dm644 assets/icons/512x512.png $(HOME)/.local/share/icons/hicolor/512x512/apps/rapport-desktop.png
	install -Dm644 assets/icons/128x128.png $(HOME)/.local/share/icons/hicolor/128x128/apps/rapport-desktop.png
	mkdir -p $(HOME)/.local/share/applications
	sed -e 's|{{name}}|Rapport|' -e 's|{{exec}}|$(CURDIR)/target/release/rapport-desktop|' \
	    -e 's|{{icon}}|rapport-desktop|' assets/rapport.desktop \
	    > $(HOME)/.local/share/applications/rapport.desktop
	-update-desktop-database $(HOME)/.local/share/applications 2>/dev/null
	@echo "Rapport is now in your applications menu."

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules tests/e2e/node_modules tests/e2e/screenshots tests/e2e/logs
