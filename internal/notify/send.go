package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Headers of the generic format. The signature is
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)), timestamp
// being the X-Roomdesk-Timestamp header (Unix seconds): docs/NOTIFY.md.
const (
	HeaderEvent     = "X-Roomdesk-Event"
	HeaderDelivery  = "X-Roomdesk-Delivery"
	HeaderTimestamp = "X-Roomdesk-Timestamp"
	HeaderSignature = "X-Roomdesk-Signature"
)

// Sign is the generic format's signature over timestamp and body.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// wecomMax is the WeCom robot's limit on markdown content (bytes).
const wecomMax = 4096

// body renders a payload in the webhook's format.
func body(f Format, payloadJSON string) ([]byte, error) {
	if f == FormatGeneric {
		return []byte(payloadJSON), nil
	}
	var p Payload
	if err := json.Unmarshal([]byte(payloadJSON), &p); err != nil {
		return nil, err
	}
	switch f {
	case FormatWeCom:
		var b strings.Builder
		fmt.Fprintf(&b, "**roomdesk: %s**\n> %s", p.Event, mdEscape(p.Summary))
		if p.Link != "" {
			fmt.Fprintf(&b, "\n[audit entry #%d](%s)", p.Seq, p.Link)
		}
		return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": clip(b.String(), wecomMax-8)}})
	case FormatSlack:
		text := fmt.Sprintf("*roomdesk: %s*\n%s", p.Event, slackEscape(p.Summary))
		if p.Link != "" {
			text += fmt.Sprintf("\n<%s|audit entry #%d>", p.Link, p.Seq)
		}
		return json.Marshal(map[string]string{"text": text})
	}
	return nil, fmt.Errorf("unknown format %q", f)
}

// mdEscape keeps operator text from turning into WeCom markdown (links,
// emphasis, headings) in the message.
func mdEscape(s string) string {
	r := strings.NewReplacer("\n", " ", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "`", "\\`", "<", "&lt;", ">", "&gt;", "#", "\\#")
	return r.Replace(s)
}

// slackEscape is Slack's own escaping of &, < and > (so no <!channel>).
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// send makes one attempt. The returned error's text never contains the
// URL or any part of it (scrub).
func (s *Service) send(ctx context.Context, d pending) (code int, err error) {
	b, err := body(d.format, d.payload)
	if err != nil {
		return 0, fmt.Errorf("render: %s", redact(err.Error(), d.url))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(b))
	if err != nil {
		return 0, errors.New(scrub(err, d.url))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "roomdesk-webhook/1")
	if d.format == FormatGeneric {
		ts := strconv.FormatInt(s.opts.Now().Unix(), 10)
		req.Header.Set(HeaderEvent, string(d.event))
		req.Header.Set(HeaderDelivery, strconv.FormatInt(d.id, 10))
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, Sign(d.secret, ts, b))
	}
	res, err := s.http.Do(req)
	if err != nil {
		return 0, errors.New(scrub(err, d.url))
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, maxBody))
	io.Copy(io.Discard, io.LimitReader(res.Body, maxBody)) // let the connection be reused when cheap
	code = res.StatusCode
	switch {
	case code >= 300 && code < 400:
		return code, fmt.Errorf("HTTP %d: redirects are not followed", code)
	case code < 200 || code >= 300:
		return code, fmt.Errorf("HTTP %d", code)
	}
	if d.format == FormatWeCom {
		// The robot answers 200 with {"errcode":N,"errmsg":"..."}; only 0 is delivered.
		var r struct {
			ErrCode int    `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.Unmarshal(answer, &r); err != nil {
			return code, errors.New("WeCom answered something other than its JSON")
		}
		if r.ErrCode != 0 {
			return code, fmt.Errorf("WeCom errcode %d: %s", r.ErrCode, redact(clip(r.ErrMsg, 200), d.url))
		}
	}
	return code, nil
}
