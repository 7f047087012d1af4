#!/usr/bin/env bash
# Fails on unformatted Go or templ code, vet and staticcheck findings, templ
# sources that do not compile, and committed *_templ.go files that do not
# match their .templ sources. Every step runs, and prints what it found, so
# one run shows every problem.
#
# The generated-file check compares the working tree with the index (git
# diff), so stage your work before running it outside CI.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
step() { echo "lint: $*" >&2; }

unformatted=$(gofmt -l $(git ls-files '*.go') $(git ls-files --others --exclude-standard '*.go'))
if [ -n "$unformatted" ]; then
  step "gofmt needed (run: gofmt -w .):"; echo "$unformatted"; fail=1
fi

go vet ./... || { step "go vet found problems (above)"; fail=1; }
go tool staticcheck ./... || { step "staticcheck found problems (above)"; fail=1; }

# -fail: exit 1 when a file was not formatted (the file is formatted in
# place, so the fix is already in your tree).
if ! go tool templ fmt -fail -log-level warn views; then
  step "templ sources were unformatted (now formatted: review and commit) or do not parse (above)"; fail=1
fi

# A syntax error makes generate print the file, line and message and exit
# non-zero; its output stays visible.
if ! go tool templ generate -log-level warn; then
  step "templ generate failed (above)"; fail=1
elif ! git diff --exit-code --stat -- '*_templ.go'; then
  step "*_templ.go files were stale (regenerated now: commit them)"; fail=1
fi
untracked=$(git ls-files --others --exclude-standard '*_templ.go')
if [ -n "$untracked" ]; then
  step "generated files not committed:"; echo "$untracked"; fail=1
fi

[ $fail -eq 0 ] && step "ok"
exit $fail
