// Package atomicfile writes files that appear complete or not at all: the
// audit exports and checkpoints, and demo mode's room snapshot.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes b to path atomically (see Write).
func WriteFile(path string, b []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// Write streams write into a temporary file beside path, syncs it,
// and renames it into place only when everything was written, so an
// interrupted export or checkpoint never leaves a truncated file that
// looks complete. File-system errors name path, never the temporary file
// the operator did not ask for; write's own errors come back as they are.
func Write(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, bareFSError(err))
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	err = tmp.Sync()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, bareFSError(err))
	}
	return nil
}

// bareFSError drops the file name a *fs.PathError or *os.LinkError
// carries (the temporary file's), keeping the reason.
func bareFSError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
