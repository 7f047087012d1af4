#!/usr/bin/env bash
# Fails on unformatted Go or templ code, vet findings, and templ output that
# does not match the .templ sources.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
unformatted=$(gofmt -l $(git ls-files '*.go') $(git ls-files --others --exclude-standard '*.go'))
if [ -n "$unformatted" ]; then echo "lint: gofmt needed:"; echo "$unformatted"; fail=1; fi
go vet ./...
before=$(git status --porcelain -- views)
go tool templ fmt views >/dev/null 2>&1
go tool templ generate >/dev/null 2>&1
after=$(git status --porcelain -- views)
if [ "$before" != "$after" ]; then
  echo "lint: templ sources were unformatted or *_templ.go files stale (run: go tool templ fmt views && make generate):"
  git status --porcelain -- views
  fail=1
fi
exit $fail
