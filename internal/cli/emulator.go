package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/roomdesk/roomdesk/internal/app"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// runEmulator serves the Tencent live API emulator alone, for pointing a
// console at it with ROOMDESK_TENCENT_ENDPOINT. SDKAppID and key come from
// flags or the console's own variables; without them it makes up a key and
// writes it to a 0600 file instead of printing it.
func runEmulator(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("roomdesk emulator", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	appID := fs.String("sdkappid", env.Getenv("ROOMDESK_SDKAPPID"), "SDKAppID to answer to (ROOMDESK_SDKAPPID)")
	keyFile := fs.String("secret-key-file", env.Getenv("ROOMDESK_SECRET_KEY_FILE"), "file holding the secret key (ROOMDESK_SECRET_KEY_FILE)")
	admin := fs.String("admin-identifier", or(env.Getenv("ROOMDESK_ADMIN_IDENTIFIER"), "administrator"), "App Admin identifier (ROOMDESK_ADMIN_IDENTIFIER)")
	seed := fs.Bool("seed", true, "start with the ~60 demo rooms")
	control := fs.Bool("control", false, "serve the fault-injection API under /_emulator/ (tests only)")
	dataDir := fs.String("data-dir", or(env.Getenv("ROOMDESK_DATA_DIR"), "./data"), "where a generated key is written")
	if err := fs.Parse(args); err != nil {
		return configError{err}
	}
	cfg := emulator.Config{Admin: *admin, Seed: *seed, Control: *control, SDKAppID: app.DemoSDKAppID}
	if *appID != "" {
		n, err := strconv.Atoi(*appID)
		if err != nil || n <= 0 {
			return configError{fmt.Errorf("ROOMDESK_SDKAPPID: %q is not a positive number", *appID)}
		}
		cfg.SDKAppID = n
	}
	key, err := emulatorKey(*keyFile, env.Getenv("ROOMDESK_SECRET_KEY"), *dataDir, env)
	if err != nil {
		return err
	}
	cfg.SecretKey = key
	fmt.Fprintf(env.Stdout, "emulator: SDKAppID %d, admin %q, listening on http://%s\n", cfg.SDKAppID, cfg.Admin, *addr)
	return emulator.ListenAndServe(ctx, *addr, cfg, slog.New(slog.NewTextHandler(env.Stderr, nil)))
}

func emulatorKey(file, inline, dataDir string, env Env) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", configError{fmt.Errorf("ROOMDESK_SECRET_KEY_FILE: cannot read %s", file)}
		}
		return strings.TrimSpace(string(b)), nil
	}
	if inline != "" {
		return inline, nil
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dataDir, "emulator-secret-key")
	key := emulator.NewSecretKey()
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", err
	}
	fmt.Fprintf(env.Stdout, "emulator: generated a secret key in %s (point the console at it with ROOMDESK_SECRET_KEY_FILE)\n", path)
	return key, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
