package tencent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

const (
	backoffBase = 100 * time.Millisecond
	backoffCap  = 2 * time.Second
	// maxBody bounds what we read from one answer; room pages are a few KB.
	maxBody = 4 << 20
)

// envelope is the part every live_engine answer shares.
type envelope struct {
	ActionStatus string          `json:"ActionStatus"`
	ErrorCode    int             `json:"ErrorCode"`
	ErrorInfo    string          `json:"ErrorInfo"`
	RequestID    string          `json:"RequestId"`
	Response     json.RawMessage `json:"Response"`
}

// outcome is what one attempt produced. Exactly one of env and err is set
// once a readable answer or a failure is known.
type outcome struct {
	env     *envelope
	body    []byte
	gotRsp  bool  // an HTTP response arrived (body may still be unusable)
	err     error // transport-level failure: outcome unknown
	noRetry bool  // err is a 4xx that repeating will not change
}

// call sends one logical request: pacing, signing, retries and decoding of
// the payload under "Response" into out (if non-nil).
func (c *Client) call(ctx context.Context, command string, reqBody, out any) (meta Meta, err error) {
	start := c.now()
	meta.Command = command
	defer func() { meta.Latency = c.now().Sub(start) }()
	if meta.RequestBody, err = json.Marshal(reqBody); err != nil {
		return meta, fmt.Errorf("tencent: %s: encoding request: %w", command, err)
	}
	limit, renewed := c.maxAttempts, false
	var last outcome
	for {
		sig, o, err := c.attempt(ctx, command, meta.RequestBody)
		if err != nil { // nothing was sent this time
			if meta.Attempts > 0 {
				// The last answer (or its absence) says more than the
				// pacing refusal does.
				return meta, last.final(command, meta.Attempts)
			}
			return meta, fmt.Errorf("tencent: %s: %w", command, err)
		}
		meta.Attempts++
		meta.record(o)
		last = o
		if o.err == nil && o.env.ErrorCode == 0 && o.env.ActionStatus == "OK" {
			return meta, decodePayload(command, o.env.Response, out)
		}
		if o.err == nil {
			info := Describe(o.env.ErrorCode)
			if info.RenewSig && !renewed {
				// The renewal retry is owed to the protocol, not to a
				// transient fault, so it does not spend the attempt budget.
				renewed, limit = true, limit+1
				if _, err := c.sigs.renew(sig); err != nil {
					return meta, err
				}
				continue
			}
			if !info.Retryable {
				return meta, o.apiError(command)
			}
		}
		if o.noRetry || meta.Attempts >= limit || !c.backoff(ctx, meta.Attempts) {
			return meta, o.final(command, meta.Attempts)
		}
	}
}

// attempt paces, signs and sends once. A non-nil error means nothing was
// sent; transport trouble after sending is reported inside the outcome.
func (c *Client) attempt(ctx context.Context, command string, body []byte) (string, outcome, error) {
	if err := ctx.Err(); err != nil {
		return "", outcome{}, err
	}
	done, err := c.pacerFor(command).wait(ctx, c.now, c.after)
	if err != nil {
		return "", outcome{}, err
	}
	defer done()
	sig, err := c.sigs.get()
	if err != nil {
		return "", outcome{}, err
	}
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	t0 := c.now()
	o := c.send(actx, command, sig, body)
	code := -1
	if o.err == nil {
		code = o.env.ErrorCode
	}
	if c.observe != nil {
		c.observe(command, code, c.now().Sub(t0))
	}
	return sig, o, nil
}

func (c *Client) send(ctx context.Context, command, sig string, body []byte) outcome {
	// Only the secret-free part goes through URL parsing, whose errors quote
	// the URL they were given.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint(command), bytes.NewReader(body))
	if err != nil {
		return outcome{err: c.redact(err, sig)}
	}
	req.URL.RawQuery = c.query(sig, randomUint32())
	req.Header.Set("Content-Type", "application/json")
	rsp, err := c.http.Do(req)
	if err != nil {
		return outcome{err: c.redact(err, sig)}
	}
	defer rsp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(rsp.Body, maxBody+1))
	o := outcome{body: data, gotRsp: true}
	switch {
	case err != nil:
		o.err = fmt.Errorf("reading answer: %w", c.redact(err, sig))
	case rsp.StatusCode < 200 || rsp.StatusCode > 299:
		// Tencent itself always answers 200; anything else is a proxy or
		// load balancer, which retries help with only for 5xx, 408 and 429.
		o.err = fmt.Errorf("HTTP %d %s", rsp.StatusCode, http.StatusText(rsp.StatusCode))
		o.noRetry = rsp.StatusCode < 500 && rsp.StatusCode != 408 && rsp.StatusCode != 429
	case len(data) > maxBody:
		o.err = fmt.Errorf("%w: answer larger than %d bytes", ErrBadResponse, maxBody)
	default:
		o.env, o.err = parseEnvelope(data)
	}
	return o
}

// parseEnvelope insists on the documented shape: a JSON object whose
// ActionStatus is OK or FAIL. Anything else (an HTML error page from a proxy,
// a truncated body) leaves the outcome unknown.
func parseEnvelope(data []byte) (*envelope, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	if env.ActionStatus != "OK" && env.ActionStatus != "FAIL" {
		return nil, fmt.Errorf("%w: ActionStatus %.20q", ErrBadResponse, env.ActionStatus)
	}
	if env.ActionStatus == "FAIL" && env.ErrorCode == 0 {
		// A FAIL without a code still failed; -1 keeps it from reading as OK.
		env.ErrorCode = -1
	}
	return &env, nil
}

func decodePayload(command string, raw json.RawMessage, out any) error {
	if out == nil {
		return nil
	}
	if len(raw) == 0 || string(raw) == "null" {
		return fmt.Errorf("tencent: %s: %w: OK answer without a Response object", command, ErrBadResponse)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("tencent: %s: %w: %v", command, ErrBadResponse, err)
	}
	return nil
}

// record keeps what the audit log needs from the latest answer. A failure
// without any answer leaves the previous answer in place.
func (m *Meta) record(o outcome) {
	if !o.gotRsp {
		return
	}
	m.ResponseBody = o.body
	m.ActionStatus, m.ErrorCode, m.ErrorInfo, m.RequestID = "", 0, "", ""
	if o.env != nil {
		m.ActionStatus, m.ErrorCode = o.env.ActionStatus, o.env.ErrorCode
		m.ErrorInfo, m.RequestID = o.env.ErrorInfo, o.env.RequestID
	}
}

func (o outcome) apiError(command string) error {
	return &APIError{Command: command, Code: o.env.ErrorCode, Info: o.env.ErrorInfo, RequestID: o.env.RequestID}
}

func (o outcome) final(command string, attempts int) error {
	if o.err == nil {
		return o.apiError(command)
	}
	return fmt.Errorf("tencent: %s: %w after %d attempt(s): %w", command, ErrUnreachable, attempts, o.err)
}

// backoff sleeps before retry n+1 with equal jitter, so synchronised callers
// spread out. It refuses to sleep past the caller's deadline and reports
// whether a retry is still worth making.
func (c *Client) backoff(ctx context.Context, n int) bool {
	d := backoffBase << min(n-1, 16)
	d = min(d, backoffCap)
	d = d/2 + rand.N(d/2+1)
	if ctx.Err() != nil {
		return false
	}
	if dl, ok := ctx.Deadline(); ok && dl.Sub(c.now()) <= d {
		return false
	}
	select {
	case <-c.after(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// IsRetryable reports whether err is worth trying again later as a whole
// (a transient API code or an unknown outcome of an idempotent call).
func IsRetryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return Describe(ae.Code).Retryable
	}
	return errors.Is(err, ErrUnreachable)
}
