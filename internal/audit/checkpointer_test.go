package audit_test

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// TestCheckpointer writes checkpoints only when the log grew, hands each to
// a real HTTP witness, keeps the local file when the witness fails, and
// finds the newest again after a restart.
func TestCheckpointer(t *testing.T) {
	ctx := context.Background()
	log := sqlstore.New(dbtest.Open(t, db.SQLite))
	_, key, err := audit.GenerateSigningKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	status := http.StatusOK
	witness := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("witness got %s %s", r.Method, r.Header.Get("Content-Type"))
		}
		got = append(got, string(b))
		w.WriteHeader(status)
	}))
	defer witness.Close()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	c := &audit.Checkpointer{Log: log, Key: key, Dir: dir, Witness: witness.URL, Now: func() time.Time { return now }}
	if st := c.Status(ctx); st.Consistent || st.Problem != "no checkpoint yet" {
		t.Errorf("Status with no checkpoint = %+v", st)
	}
	add := func() {
		e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
		if err := log.Append(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	add()
	// Before any checkpoint the page still counts the rows (it said 0).
	if st := c.Status(ctx); st.Head.N != 1 || st.Problem != "no checkpoint yet" {
		t.Errorf("Status with one row and no checkpoint = %+v", st)
	}
	cp, path, err := c.Checkpoint(ctx, false)
	if err != nil || path == "" || cp.Tree.N != 1 {
		t.Fatalf("first Checkpoint = %+v %q %v", cp, path, err)
	}
	if len(got) != 1 || got[0] != string(cp.Note) {
		t.Fatalf("witness got %q, want the note", got)
	}
	if _, err := audit.OpenCheckpoint([]byte(got[0]), key.Public); err != nil {
		t.Errorf("the witness's copy does not verify: %v", err)
	}
	if _, path, err := c.Checkpoint(ctx, false); err != nil || path != "" || len(got) != 1 {
		t.Errorf("Checkpoint of an unchanged log wrote %q (%v), witness calls %d", path, err, len(got))
	}
	add()
	mu.Lock()
	status = http.StatusServiceUnavailable
	mu.Unlock()
	now = now.Add(5 * time.Minute)
	cp, path, err = c.Checkpoint(ctx, false)
	if err == nil || path == "" || cp.Tree.N != 2 || !strings.Contains(err.Error(), "503") {
		t.Errorf("Checkpoint with a failing witness = %+v %q %v; want the file written and the error", cp, path, err)
	}
	now = now.Add(90 * time.Second)
	st := c.Status(ctx)
	if !st.Consistent || st.Last == nil || st.Last.Tree.N != 2 || st.Age != 90*time.Second {
		t.Errorf("Status = %+v", st)
	}
	// A restart finds the newest file.
	c2 := &audit.Checkpointer{Log: log, Key: key, Dir: dir}
	if last, ok, err := c2.Latest(); err != nil || !ok || last.Tree != cp.Tree {
		t.Errorf("Latest after restart = %+v %v %v, want %+v", last, ok, err, cp.Tree)
	}
}

// TestSigningKeyWithPlus: a key's base64 may hold '+', the separator of
// the key's fields; parsing must not split there.
func TestSigningKeyWithPlus(t *testing.T) {
	for i := 0; ; i++ {
		skey, key, err := audit.GenerateSigningKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(skey, "+") <= 4 {
			continue
		}
		again, err := audit.ParseSigningKey(skey)
		if err != nil || again.Public != key.Public {
			t.Fatalf("ParseSigningKey(%s) = %v, %v", skey, again, err)
		}
		return
	}
}

// TestStatusCatchesALogThatNoLongerExtendsItsCheckpoint: a checkpoint
// found in the directory that the log's stored tree does not extend (its
// root is not the log's first rows', or it covers more rows than the log
// holds) is reported, never shown as consistent.
func TestStatusCatchesALogThatNoLongerExtendsItsCheckpoint(t *testing.T) {
	ctx := context.Background()
	log := sqlstore.New(dbtest.Open(t, db.SQLite))
	_, key, err := audit.GenerateSigningKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
		if err := log.Append(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	head, err := log.TreeHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		tree    tlog.Tree
		problem string
	}{
		{"another root", tlog.Tree{N: 2, Hash: head.Hash}, "does not extend"},
		{"more rows than the log", tlog.Tree{N: 4, Hash: head.Hash}, "fewer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp, err := audit.SignCheckpoint(tc.tree, at, key)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if _, err := audit.WriteCheckpoint(dir, cp); err != nil {
				t.Fatal(err)
			}
			c := &audit.Checkpointer{Log: log, Key: key, Dir: dir, Now: func() time.Time { return at }}
			st := c.Status(ctx)
			if st.Consistent || !strings.Contains(st.Problem, tc.problem) || st.Head != head {
				t.Errorf("Status = %+v, want a problem saying %q", st, tc.problem)
			}
		})
	}
	// The same directory with the true checkpoint is consistent.
	cp, err := audit.SignCheckpoint(head, at, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := audit.WriteCheckpoint(dir, cp); err != nil {
		t.Fatal(err)
	}
	c := &audit.Checkpointer{Log: log, Key: key, Dir: dir, Now: func() time.Time { return at }}
	if st := c.Status(ctx); !st.Consistent || st.Problem != "" {
		t.Errorf("Status of the true checkpoint = %+v", st)
	}
}
