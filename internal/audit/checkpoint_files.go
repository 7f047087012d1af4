package audit

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/atomicfile"
)

// LoadOrCreateSigningKey reads the private key in path. When the file does
// not exist and create is set, it generates a key into it (mode 0600) and
// reports created.
func LoadOrCreateSigningKey(path string, create bool) (key *SigningKey, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		skey, k, err := GenerateSigningKey(rand.Reader)
		if err != nil {
			return nil, false, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("audit: signing key: %w", err)
		}
		// O_EXCL: two instances starting at once must not both write a key.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateSigningKey(path, false)
		}
		if err != nil {
			return nil, false, fmt.Errorf("audit: signing key: %w", err)
		}
		_, err = f.WriteString(skey + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, false, fmt.Errorf("audit: signing key: %w", err)
		}
		return k, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("audit: signing key: %w", err)
	}
	k, err := ParseSigningKey(string(b))
	if err != nil {
		return nil, false, fmt.Errorf("%w (file %s)", err, path)
	}
	return k, false, nil
}

// GeneratedKeyWarning is printed (CLI) and logged (server, at every start)
// while the signing key is the one generated into the data dir.
func GeneratedKeyWarning(path, public string) string {
	return fmt.Sprintf("the audit checkpoint signing key is %s, generated beside the database: "+
		"whoever can rewrite the database can likely read it too and sign a rewritten log. "+
		"Move it to other storage and set ROOMDESK_AUDIT_SIGNING_KEY_FILE. Public key: %s", path, public)
}

// checkpointExt names checkpoint files: <UTC time>-<tree size>.checkpoint,
// so that the newest sorts last by name.
const checkpointExt = ".checkpoint"

// WriteCheckpoint writes cp into dir (created if missing) and returns the
// file's path. The file appears complete or not at all (temp + rename).
func WriteCheckpoint(dir string, cp Checkpoint) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("audit: checkpoint dir: %w", err)
	}
	name := fmt.Sprintf("%s-%012d%s", cp.Time.UTC().Format("20060102T150405Z"), cp.Tree.N, checkpointExt)
	path := filepath.Join(dir, name)
	return path, atomicfile.WriteFile(path, cp.Note)
}

// NewestCheckpoint returns the path of the newest checkpoint file in dir,
// or "" when there is none.
func NewestCheckpoint(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("audit: checkpoint dir: %w", err)
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(e.Name(), checkpointExt) && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	slices.Sort(names)
	return filepath.Join(dir, names[len(names)-1]), nil
}

// ReadCheckpointFile reads and verifies the checkpoint in path against vkey.
func ReadCheckpointFile(path, vkey string) (Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Checkpoint{}, err
	}
	cp, err := OpenCheckpoint(b, vkey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%s: %w", path, err)
	}
	return cp, nil
}

// Age is how old the checkpoint is at now.
func (c Checkpoint) Age(now time.Time) time.Duration { return now.Sub(c.Time) }
