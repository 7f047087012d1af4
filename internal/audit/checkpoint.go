package audit

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// A checkpoint is a signed statement "the log had N rows and this Merkle
// root at this time", as a signed note (golang.org/x/mod/sumdb/note,
// Ed25519) whose text follows the C2SP tlog-checkpoint layout:
//
//	roomdesk/audit
//	1234
//	<root hash, standard base64>
//	time 2026-03-01T09:30:00Z
//
// followed by a blank line and the signature line(s). Kept outside the
// database, it is what an attacker with the database cannot rewrite.
const (
	CheckpointOrigin = "roomdesk/audit"
	// SigningKeyName is the name inside roomdesk's keys ("roomdesk-audit+
	// <hash>+<key>" is how a public key reads).
	SigningKeyName = "roomdesk-audit"
)

// Checkpoint is a verified checkpoint.
type Checkpoint struct {
	Tree tlog.Tree
	Time time.Time
	Note []byte // the signed note exactly as written
}

// CheckpointText is the note text for tree at time at.
func CheckpointText(tree tlog.Tree, at time.Time) string {
	return fmt.Sprintf("%s\n%d\n%s\ntime %s\n", CheckpointOrigin, tree.N, tree.Hash,
		at.UTC().Truncate(time.Second).Format(time.RFC3339))
}

// SignCheckpoint signs the checkpoint of tree at time at.
func SignCheckpoint(tree tlog.Tree, at time.Time, key *SigningKey) (Checkpoint, error) {
	msg, err := note.Sign(&note.Note{Text: CheckpointText(tree, at)}, key.signer)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("audit: sign checkpoint: %w", err)
	}
	return Checkpoint{Tree: tree, Time: at.UTC().Truncate(time.Second), Note: msg}, nil
}

// ErrForeignKey means a checkpoint carries no signature by the key it was
// checked against: it was signed by another key, or by none.
var ErrForeignKey = errors.New("not signed by this key")

// OpenCheckpoint checks msg's signature against the public key vkey, then
// parses it. A note signed by another key fails with ErrForeignKey; a
// signature by this key over altered text fails too.
func OpenCheckpoint(msg []byte, vkey string) (Checkpoint, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("audit: public key: %w", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			var by []string
			for _, s := range unverified.Note.UnverifiedSigs {
				by = append(by, fmt.Sprintf("%s (key hash %08x)", s.Name, s.Hash))
			}
			return Checkpoint{}, fmt.Errorf("checkpoint %w %s; it is signed by %s",
				ErrForeignKey, vkey, strings.Join(by, ", "))
		}
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	cp, err := parseCheckpoint(n.Text)
	cp.Note = msg
	return cp, err
}

func parseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	bad := func(why string) (Checkpoint, error) {
		return Checkpoint{}, fmt.Errorf("checkpoint: %s", why)
	}
	if len(lines) < 4 || lines[0] != CheckpointOrigin {
		return bad("not a roomdesk audit checkpoint")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 {
		return bad("bad tree size " + strconv.Quote(lines[1]))
	}
	h, err := tlog.ParseHash(lines[2])
	if err != nil {
		return bad("bad root hash")
	}
	at, err := time.Parse(time.RFC3339, strings.TrimPrefix(lines[3], "time "))
	if err != nil || !strings.HasPrefix(lines[3], "time ") {
		return bad("bad time line")
	}
	return Checkpoint{Tree: tlog.Tree{N: n, Hash: h}, Time: at.UTC()}, nil
}

// SigningKey signs checkpoints. It lives in a file, never in the database.
type SigningKey struct {
	signer note.Signer
	// Public is the verifier key, "roomdesk-audit+<hash>+<base64>": what
	// auditors pass to `roomdesk audit verify-export --key`.
	Public string
}

// GenerateSigningKey makes a new Ed25519 key and returns its private form
// (the key file's content) and the key.
func GenerateSigningKey(rand io.Reader) (string, *SigningKey, error) {
	skey, _, err := note.GenerateKey(rand, SigningKeyName)
	if err != nil {
		return "", nil, err
	}
	k, err := ParseSigningKey(skey)
	return skey, k, err
}

// ParseSigningKey reads a private key as note.GenerateKey writes it
// ("PRIVATE+KEY+<name>+<hash>+<base64>") and derives its public key.
func ParseSigningKey(skey string) (*SigningKey, error) {
	skey = strings.TrimSpace(skey)
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, errors.New("audit: signing key: not a note private key (PRIVATE+KEY+...)")
	}
	// PRIVATE+KEY+name+hash+key: the key's base64 may itself hold a '+'.
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return nil, errors.New("audit: signing key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return nil, fmt.Errorf("audit: signing key: %w", err)
	}
	return &SigningKey{signer: signer, Public: vkey}, nil
}

// Sign signs an arbitrary note text with the key (exports use it for their
// trailer).
func (k *SigningKey) Sign(text string) ([]byte, error) {
	return note.Sign(&note.Note{Text: text}, k.signer)
}
