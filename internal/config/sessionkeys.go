package config

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SessionKeysFile is the file in the data dir holding generated session
// keys, one hex key a line, newest first (the same order as
// ROOMDESK_SESSION_KEYS, so rotating by hand means adding a line on top).
const SessionKeysFile = "session-keys"

// LoadOrCreateSessionKeys returns the session keys kept in dataDir, creating
// the file with one fresh 32-byte key when it does not exist. The file is
// mode 0600 and is refused if others can read it, since whoever holds the
// keys can forge a session cookie.
func LoadOrCreateSessionKeys(dataDir string) ([][]byte, error) {
	path := filepath.Join(dataDir, SessionKeysFile)
	keys, err := readKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return keys, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("config: session keys: %w", err)
	}
	key := make([]byte, MinSessionKeyBytes)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("config: session keys: %w", err)
	}
	if err := createExclusive(path, []byte(hex.EncodeToString(key)+"\n")); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another instance sharing the data dir won the race: use its key.
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("config: session keys: %w", err)
	}
	return [][]byte{key}, nil
}

// createExclusive writes data to a temporary file and hard-links it into
// place, so the file appears complete or not at all and an existing file is
// never replaced (two instances starting together agree on one key).
func createExclusive(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".session-keys-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

func readKeyFile(path string) ([][]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("config: session keys: %s is readable by others (mode %04o); run chmod 600 on it", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: session keys: %w", err)
	}
	var keys [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := DecodeKey(line)
		if err != nil {
			return nil, fmt.Errorf("config: session keys: %s line %d %v", path, n, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("config: session keys: %s holds no key; delete it to generate one", path)
	}
	return keys, nil
}
