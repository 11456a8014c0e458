# vharness: `make run` runs the demo matrix on this machine; `make test` runs lint, typecheck
# and the whole suite (installing what it needs). See README.md.
SHELL := /bin/bash
NODE_BIN := node_modules/.bin
# onnxruntime-node's postinstall would download CUDA binaries (the CPU ones are in the package).
# Its install script reads this variable; a key in .npmrc would make npm warn on every command.
export ONNXRUNTIME_NODE_INSTALL := skip
LAB_PACKAGES := openssh-server golang-go golang-github-vmware-govmomi-dev chromium

.PHONY: all install build run test lint typecheck unit lab-deps bench clean

all: build

node_modules/.install-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: node_modules/.install-stamp

build: install
	$(NODE_BIN)/tsc -p tsconfig.json

run: build
	node bin/vharness.js run configs/demo.yaml

# The simulated lab's Debian packages (sshd guests, the govmomi vCenter simulator, Chromium).
lab-deps:
	@missing=""; for p in $(LAB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

lint: install
	$(NODE_BIN)/eslint .

typecheck: install
	$(NODE_BIN)/tsc -p tsconfig.json --noEmit

unit: build
	node --test --test-concurrency=1 dist/test/

test: lab-deps lint build
	node --test --test-concurrency=1 dist/test/

bench: build lab-deps
	node dist/bench/run.js
	node dist/bench/serving.js
	node dist/bench/deploy.js
	node dist/bench/deploy.js --bundled-node
	node dist/bench/provision.js
	node dist/bench/verdict-intervals.js

clean:
	rm -rf dist .cache
