package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// base checks serviceURL against the allow-list and returns it ending in "/".
func (c *Connector) base(serviceURL string) (string, error) {
	refused := bot.Errorf(bot.EForbidden, "service URL not allowed")
	u, err := url.Parse(serviceURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", refused
	}
	if !strings.HasSuffix(serviceURL, "/") {
		serviceURL += "/"
	}
	for _, p := range c.cfg.AllowedServiceURLs {
		if strings.HasPrefix(serviceURL, p) {
			return serviceURL, nil
		}
	}
	return "", refused
}

// post sends body to u as do does, with POST.
func (c *Connector) post(ctx context.Context, op, u string, body any) ([]byte, error) {
	return c.do(ctx, http.MethodPost, op, u, body)
}

// do sends body to u with method and the bot's token and returns the body
// of the 2xx answer, retrying 429 and 503 (and other 5xx for an update,
// not a new message: retryable) with backoff and refreshing the
// token once on 401. op names the request in a *StatusError when the
// Connector refuses it. When a 2xx answer's body cannot be read, the error
// wraps errAccepted.
func (c *Connector) do(ctx context.Context, method, op, u string, body any) ([]byte, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, &bot.Error{Kind: bot.EInvalid, Message: "activity cannot be encoded", Err: err}
	}
	refreshed := false
	for attempt, sent := 0, 0; ; {
		token, err := c.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(payload))
		if err != nil {
			return nil, &bot.Error{Kind: bot.EInternal, Message: "Teams connector request failed", Err: err}
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := c.client.Do(req)
		sent++
		if err != nil {
			// Not retried: the activity may have been delivered.
			return nil, &bot.Error{Kind: bot.EUnavailable, Message: "Teams connector unreachable", Err: err}
		}
		respBody, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize))
		resp.Body.Close()
		status := resp.StatusCode

		switch {
		case status >= 200 && status < 300:
			if readErr != nil {
				return nil, &bot.Error{Kind: bot.EUnavailable, Message: "Teams connector response unreadable", Err: fmt.Errorf("%w: %w", errAccepted, readErr)}
			}
			return respBody, nil
		case status == http.StatusUnauthorized && !refreshed:
			refreshed = true
			c.invalidate(token)
			continue
		case retryable(method, status):
			if attempt >= c.retries {
				return nil, &bot.Error{Kind: bot.EUnavailable, Message: "Teams connector unavailable", Err: &StatusError{Status: status, Op: op, Attempts: sent}}
			}
			delay := c.cfg.RetryBase << attempt
			if status == http.StatusTooManyRequests {
				if d, ok := c.retryAfter(resp.Header.Get("Retry-After")); ok {
					delay = d
				}
			}
			attempt++
			if err := c.sleep(ctx, delay); err != nil {
				return nil, &bot.Error{Kind: bot.EUnavailable, Message: "Teams connector unavailable", Err: err}
			}
		case status >= 500:
			// A POST the Connector failed on may have been posted: asking
			// again could show the person the same message twice.
			return nil, &bot.Error{Kind: bot.EUnavailable, Message: "Teams connector failed; not sent again, as it may have been delivered", Err: &StatusError{Status: status, Op: op, Attempts: sent}}
		default:
			// The answer's body is not quoted: it might echo the activity.
			return nil, &bot.Error{Kind: bot.EInternal, Message: "Teams connector refused the request", Err: &StatusError{Status: status, Op: op, Attempts: sent}}
		}
	}
}

// retryable is whether a request answered with status is sent again. 429
// and 503 say the request was not handled, so any request is. Other 5xx
// answers may come after the work was done: an update (PUT) is sent again,
// since doing it twice leaves the same message, but a new message (POST)
// is not, since the Bot Framework takes no idempotency key and a second
// POST would post it twice.
func retryable(method string, status int) bool {
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return true
	case status >= 500:
		return method != http.MethodPost
	}
	return false
}

// retryAfter reads a Retry-After header in seconds or as an HTTP date,
// capped at maxRetryAfter.
func (c *Connector) retryAfter(h string) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	var d time.Duration
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(c.now())
	} else {
		return 0, false
	}
	return max(0, min(d, maxRetryAfter)), true
}
