package tencent

import (
	"errors"
	"net/url"
	"strings"
)

const redacted = "REDACTED"

// redact makes an error from net/http safe to return: *url.Error prints the
// whole request URL, usersig included, so it is rebuilt around a redacted
// copy. An inner error that somehow quotes a secret is flattened to text,
// because keeping it in the chain would let errors.As dig the secret out.
func (c *Client) redact(err error, sig string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: c.scrub(ue.URL, sig), Err: c.redactLeaf(ue.Err, sig)}
	}
	return c.redactLeaf(err, sig)
}

func (c *Client) redactLeaf(err error, sig string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if clean := c.scrub(msg, sig); clean != msg {
		return errors.New(clean)
	}
	return err
}

func (c *Client) scrub(s, sig string) string {
	if sig != "" {
		s = strings.ReplaceAll(s, sig, redacted)
	}
	if c.secret != "" {
		s = strings.ReplaceAll(s, c.secret, redacted)
	}
	return s
}
