# roomdesk. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /usr/bin/env bash
PKGS := ./...

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: ## run the console in demo mode (built-in emulator, SQLite in ./data)
	go run .

generate: ## regenerate templ output (commit the *_templ.go files)
	go tool templ generate

test: ## install what tests need (Chromium, PostgreSQL, playwright driver) and run every test
	eval "$$(bash .ci/deps.sh)" && set -o pipefail && \
	  go test -race -count=1 -timeout 20m -json $(PKGS) | go run ./.ci/testsummary

test-short: ## the inner loop: every test except the browser suite and the PostgreSQL halves (they skip and say so)
	@echo "test-short: skipping the e2e browser suite and the PostgreSQL halves (go test -short); make test runs everything"
	go test -race -count=1 -short -timeout 10m $(PKGS)

lint: ## gofmt, go vet, staticcheck, templ fmt, templ generate and stale generated files
	bash .ci/lint.sh

bench: ## run the benchmarks and rewrite docs/BENCHMARKS.md
	eval "$$(bash .ci/deps.sh)" && go run ./internal/bench -out docs/BENCHMARKS.md

MUTATE ?= ./internal/rooms ./internal/audit ./internal/auth ./internal/tencent ./internal/bulk ./handlers
mutate: ## mutation testing (gremlins v0.6.0) over MUTATE, one package at a time; slow, not in CI (docs/TESTING.md)
	@set -e; for p in $(MUTATE); do echo "== $$p"; \
	  CI= ROOMDESK_TEST_DATABASE_URL= GOFLAGS='-short -count=1' \
	  go run github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0 unleash \
	    --workers 1 --timeout-coefficient 10 $$p; done

build: ## a static binary ./roomdesk
	CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o roomdesk .

.PHONY: help run generate test test-short lint bench build mutate
