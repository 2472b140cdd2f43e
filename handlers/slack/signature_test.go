package slack_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/internal/redistest"
)

// TestUnverifiedRequestsAreRejected sends requests whose signature or
// timestamp is wrong to every endpoint of the adapter over the real engine
// and Redis: each gets 401 and nothing is processed (no answer posted,
// nothing written to Redis: no de-duplication, no conversation).
func TestUnverifiedRequestsAreRejected(t *testing.T) {
	h, store := newEndToEnd(t, redistest.Shared(t))
	event := mention(t, "Ev0SIG0001", "who is the LADO?", "1700000000.000100", "")
	command := commandBody("who is the LADO?", h.slack.ResponseURL("sig"), "13345224609.738474920.sig")
	click := interactionBody(mustPayload(t, "block_actions", payload{EventID: "trig-sig", Text: "What about out of hours?", ActionID: "ask", ThreadTS: "1700000000.000100", ResponseURL: h.slack.ResponseURL("sig-click")}))

	endpoints := []struct {
		path string
		body []byte
		form bool
	}{
		{"/slack/events", event, false},
		{"/slack/commands", command, true},
		{"/slack/interactions", click, true},
	}
	cases := []struct {
		name string
		req  func(t *testing.T, path string, body []byte, form bool) request
	}{
		{"no signature", func(t *testing.T, p string, b []byte, f bool) request {
			return request{path: p, body: withoutToken(t, b, f), form: f, unsigned: true}
		}},
		{"wrong secret", func(t *testing.T, p string, b []byte, f bool) request {
			return request{path: p, body: b, form: f, secret: "not-the-signing-secret"}
		}},
		{"timestamp six minutes old", func(t *testing.T, p string, b []byte, f bool) request {
			return request{path: p, body: b, form: f, ts: time.Now().Add(-6 * time.Minute)}
		}},
		{"timestamp six minutes ahead", func(t *testing.T, p string, b []byte, f bool) request {
			return request{path: p, body: b, form: f, ts: time.Now().Add(6 * time.Minute)}
		}},
		{"body changed after signing", func(t *testing.T, p string, b []byte, f bool) request {
			r := request{path: p, body: b, form: f, header: http.Header{}}
			// Sign the original body, send a tampered one.
			ts := time.Now()
			r.header.Set("X-Slack-Request-Timestamp", itoa(ts.Unix()))
			r.header.Set("X-Slack-Signature", signature(signingSecret, ts, b))
			r.unsigned = true
			r.body = append(bytes.Clone(b), ' ')
			return r
		}},
		{"malformed signature", func(t *testing.T, p string, b []byte, f bool) request {
			r := request{path: p, body: b, form: f, unsigned: true, header: http.Header{}}
			r.header.Set("X-Slack-Request-Timestamp", itoa(time.Now().Unix()))
			r.header.Set("X-Slack-Signature", "v0=not-hex")
			return r
		}},
		{"legacy verification token only", func(t *testing.T, p string, b []byte, f bool) request {
			// The payload carries the app's verification token, as Slack
			// sends it, but no signature: the token is never trusted.
			if !bytes.Contains(b, []byte(legacyToken)) {
				t.Fatalf("the %s body does not carry the legacy token", p)
			}
			return request{path: p, body: b, form: f, unsigned: true}
		}},
	}
	for _, c := range cases {
		for _, e := range endpoints {
			t.Run(c.name+" "+e.path, func(t *testing.T) {
				code, body := h.do(t, c.req(t, e.path, e.body, e.form))
				if code != http.StatusUnauthorized {
					t.Fatalf("status %d (%s), want 401", code, body)
				}
				var resp map[string]string
				if err := json.Unmarshal([]byte(body), &resp); err != nil || !strings.Contains(resp["error"], "signature") {
					t.Errorf("body %s, want an error about the signature", body)
				}
			})
		}
	}
	h.drain(t)
	if keys := storedKeys(t, store); len(keys) != 0 {
		t.Errorf("rejected requests left keys in Redis: %v", keys)
	}
	if calls := h.slack.Calls(); len(calls) != 0 {
		t.Errorf("Web API called for rejected requests: %+v", calls)
	}
	if logs := h.logs.String(); strings.Contains(logs, "LADO") {
		t.Errorf("logs carry message text:\n%s", logs)
	}
}

// TestOversizedBodyIsRejected sends a correctly signed body over the limit
// to every endpoint of the adapter over the real engine and Redis: 413, and
// nothing processed.
func TestOversizedBodyIsRejected(t *testing.T) {
	h, store := newEndToEnd(t, redistest.Shared(t))
	question := "<@U0LAN0Z89> " + strings.Repeat("who is the LADO? ", 70000) // over 1 MiB
	big := mustPayload(t, "app_mention", payload{EventID: "Ev0BIG0001", Text: question, TS: "1700000000.000100"})
	for _, e := range []struct {
		path string
		body []byte
		form bool
	}{
		{"/slack/events", big, false},
		{"/slack/commands", commandBody(question, h.slack.ResponseURL("big"), "trig-big"), true},
		{"/slack/interactions", interactionBody(big), true},
	} {
		code, body := h.do(t, request{path: e.path, body: e.body, form: e.form})
		if code != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s with %d bytes = %d %s, want 413", e.path, len(e.body), code, body)
		}
	}
	h.drain(t)
	if calls, keys := h.slack.Calls(), storedKeys(t, store); len(calls) != 0 || len(keys) != 0 {
		t.Errorf("an oversized request was processed: calls %+v, keys in Redis %v", calls, keys)
	}
}

// TestURLVerification answers Slack's challenge when the Request URL is
// saved, and only when signed.
func TestURLVerification(t *testing.T) {
	h, _ := newEndToEnd(t, redistest.Shared(t))
	body := mustPayload(t, "url_verification", payload{Text: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
	code, resp := h.do(t, request{path: "/slack/events", body: body})
	if code != http.StatusOK {
		t.Fatalf("status %d (%s), want 200", code, resp)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(resp), &got); err != nil || got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("response %s, want the challenge back", resp)
	}
	if code, _ := h.do(t, request{path: "/slack/events", body: body, unsigned: true}); code != http.StatusUnauthorized {
		t.Errorf("unsigned url_verification = %d, want 401", code)
	}
}

// withoutToken returns body without the legacy verification token Slack
// puts in payloads: an Events API body (JSON), a slash command's form, or
// an interaction's form whose payload is JSON.
func withoutToken(tb testing.TB, body []byte, form bool) []byte {
	tb.Helper()
	strip := func(raw []byte) []byte {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			tb.Fatal(err)
		}
		delete(m, "token")
		out, err := json.Marshal(m)
		if err != nil {
			tb.Fatal(err)
		}
		return out
	}
	if !form {
		return strip(body)
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		tb.Fatal(err)
	}
	v.Del("token")
	if p := v.Get("payload"); p != "" {
		v.Set("payload", string(strip([]byte(p))))
	}
	out := []byte(v.Encode())
	if bytes.Contains(out, []byte(legacyToken)) {
		tb.Fatal("the legacy token is still in the body")
	}
	return out
}
