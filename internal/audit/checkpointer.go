package audit

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Checkpointer signs checkpoints of a log into a directory, and posts each
// to a witness if one is configured. The server runs one (Run); the CLI
// and the console's /audit page ask it for checkpoints and their state.
type Checkpointer struct {
	Log     Prover
	Key     *SigningKey
	Dir     string
	Witness string       // URL each checkpoint is POSTed to; "" for none
	Client  *http.Client // for the witness; nil: a client with a 10s timeout
	Now     func() time.Time
	Logger  *slog.Logger

	mu   sync.Mutex
	last *Checkpoint // the newest one written or found in Dir
}

// Latest is the newest checkpoint this checkpointer wrote, or found in its
// directory (signed by its key) when it had written none yet.
func (c *Checkpointer) Latest() (Checkpoint, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last != nil {
		return *c.last, true, nil
	}
	path, err := NewestCheckpoint(c.Dir)
	if err != nil || path == "" {
		return Checkpoint{}, false, err
	}
	cp, err := ReadCheckpointFile(path, c.Key.Public)
	if err != nil {
		return Checkpoint{}, false, err
	}
	c.last = &cp
	return cp, true, nil
}

// Checkpoint signs the log's current tree and writes it to the directory,
// unless force is false and the newest checkpoint already covers every
// row. It returns the checkpoint and, when it wrote one, its path. A
// witness that cannot be reached is reported in the error, after the
// checkpoint was written: the local copy is never lost to it.
func (c *Checkpointer) Checkpoint(ctx context.Context, force bool) (Checkpoint, string, error) {
	head, err := c.Log.TreeHead(ctx)
	if err != nil {
		return Checkpoint{}, "", err
	}
	if last, ok, _ := c.Latest(); ok && !force && last.Tree.N >= head.N {
		return last, "", nil
	}
	cp, err := SignCheckpoint(head, c.now(), c.Key)
	if err != nil {
		return Checkpoint{}, "", err
	}
	path, err := WriteCheckpoint(c.Dir, cp)
	if err != nil {
		return Checkpoint{}, "", err
	}
	c.mu.Lock()
	c.last = &cp
	c.mu.Unlock()
	if c.Witness != "" {
		if err := c.post(ctx, cp); err != nil {
			return cp, path, fmt.Errorf("audit: checkpoint %s written, but the witness did not take it: %w", path, err)
		}
	}
	return cp, path, nil
}

func (c *Checkpointer) post(ctx context.Context, cp Checkpoint) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Witness, bytes.NewReader(cp.Note))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("witness answered %s", resp.Status)
	}
	return nil
}

// Run writes a checkpoint every interval while the log grows, until ctx
// ends. Failures are logged and retried at the next tick.
func (c *Checkpointer) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cp, path, err := c.Checkpoint(ctx, false)
		switch {
		case err != nil && ctx.Err() == nil:
			c.logger().Error("audit checkpoint", "err", err)
		case path != "":
			c.logger().Info("audit checkpoint written", "path", path, "rows", cp.Tree.N)
		}
	}
}

// Status is what /audit shows about the anchoring.
type Status struct {
	PublicKey  string
	Last       *Checkpoint
	Age        time.Duration
	Head       tlog.Tree
	Consistent bool   // the log now extends the last checkpoint (consistency proof)
	Problem    string // why not, or why the state is unknown
}

// Status checks, in O(log n), that the log still extends the newest
// checkpoint: a proof over the stored tree. The full walk (rows against
// the tree) is `roomdesk audit verify`.
func (c *Checkpointer) Status(ctx context.Context) Status {
	st := Status{PublicKey: c.Key.Public}
	var err error
	// The head first: the page counts the rows even before a checkpoint.
	if st.Head, err = c.Log.TreeHead(ctx); err != nil {
		st.Problem = err.Error()
		return st
	}
	last, ok, err := c.Latest()
	if err != nil {
		st.Problem = err.Error()
		return st
	}
	if !ok {
		st.Problem = "no checkpoint yet"
		return st
	}
	st.Last, st.Age = &last, last.Age(c.now())
	if st.Head.N < last.Tree.N {
		st.Problem = fmt.Sprintf("the log has %d rows, fewer than the %d the checkpoint covers", st.Head.N, last.Tree.N)
		return st
	}
	proof, err := c.Log.ProveTree(ctx, st.Head.N, last.Tree.N)
	if err == nil {
		err = tlog.CheckTree(proof, st.Head.N, st.Head.Hash, last.Tree.N, last.Tree.Hash)
	}
	if err != nil {
		st.Problem = "the log does not extend the last checkpoint: " + err.Error()
		return st
	}
	st.Consistent = true
	return st
}

func (c *Checkpointer) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Checkpointer) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}
