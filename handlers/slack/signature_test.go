package slack_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUnverifiedRequestsAreRejected sends requests whose signature or
// timestamp is wrong to every endpoint: each gets 401 and nothing is
// processed (no handler call, no de-duplication, no Web API call).
func TestUnverifiedRequestsAreRejected(t *testing.T) {
	rec := &recorder{}
	store := newMemStore()
	h := newHarness(t, rec, store)
	mention := mustPayload(t, "app_mention", payload{EventID: "Ev0SIG0001", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"})
	command := commandBody("who is the LADO?", h.slack.ResponseURL("sig"), "13345224609.738474920.sig")
	click := interactionBody(mustPayload(t, "block_actions", payload{EventID: "trig-sig", Text: "What about out of hours?", ActionID: "ask", ThreadTS: "1700000000.000100", ResponseURL: h.slack.ResponseURL("sig-click")}))

	endpoints := []struct {
		path string
		body []byte
		form bool
	}{
		{"/slack/events", mention, false},
		{"/slack/commands", command, true},
		{"/slack/interactions", click, true},
	}
	cases := []struct {
		name string
		req  func(path string, body []byte, form bool) request
	}{
		{"no signature", func(p string, b []byte, f bool) request {
			return request{path: p, body: b, form: f, unsigned: true}
		}},
		{"wrong secret", func(p string, b []byte, f bool) request {
			return request{path: p, body: b, form: f, secret: "not-the-signing-secret"}
		}},
		{"timestamp six minutes old", func(p string, b []byte, f bool) request {
			return request{path: p, body: b, form: f, ts: time.Now().Add(-6 * time.Minute)}
		}},
		{"timestamp six minutes ahead", func(p string, b []byte, f bool) request {
			return request{path: p, body: b, form: f, ts: time.Now().Add(6 * time.Minute)}
		}},
		{"body changed after signing", func(p string, b []byte, f bool) request {
			r := request{path: p, body: b, form: f, header: http.Header{}}
			// Sign the original body, send a tampered one.
			ts := time.Now()
			r.header.Set("X-Slack-Request-Timestamp", itoa(ts.Unix()))
			r.header.Set("X-Slack-Signature", signature(signingSecret, ts, b))
			r.unsigned = true
			r.body = append(bytes.Clone(b), ' ')
			return r
		}},
		{"malformed signature", func(p string, b []byte, f bool) request {
			r := request{path: p, body: b, form: f, unsigned: true, header: http.Header{}}
			r.header.Set("X-Slack-Request-Timestamp", itoa(time.Now().Unix()))
			r.header.Set("X-Slack-Signature", "v0=not-hex")
			return r
		}},
		{"legacy verification token only", func(p string, b []byte, f bool) request {
			// The token in the payload is never trusted on its own.
			return request{path: p, body: b, form: f, unsigned: true}
		}},
	}
	for _, c := range cases {
		for _, e := range endpoints {
			t.Run(c.name+" "+e.path, func(t *testing.T) {
				code, body := h.do(t, c.req(e.path, e.body, e.form))
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
	if got := rec.Messages(); len(got) != 0 {
		t.Errorf("handler called %d times for rejected requests", len(got))
	}
	if n := store.Deliveries(); n != 0 {
		t.Errorf("FirstDelivery called %d times for rejected requests", n)
	}
	if calls := h.slack.Calls(); len(calls) != 0 {
		t.Errorf("Web API called for rejected requests: %+v", calls)
	}
	if logs := h.logs.String(); strings.Contains(logs, "LADO") {
		t.Errorf("logs carry message text:\n%s", logs)
	}
}

// TestOversizedBodyIsRejected sends a correctly signed body over the limit
// to every endpoint: 413, and nothing processed.
func TestOversizedBodyIsRejected(t *testing.T) {
	rec := &recorder{}
	store := newMemStore()
	h := newHarness(t, rec, store)
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
	if len(rec.Messages()) != 0 || store.Deliveries() != 0 || len(h.slack.Calls()) != 0 {
		t.Errorf("an oversized request was processed: %d messages, %d deliveries, %d calls", len(rec.Messages()), store.Deliveries(), len(h.slack.Calls()))
	}
}

// TestURLVerification answers Slack's challenge when the Request URL is
// saved, and only when signed.
func TestURLVerification(t *testing.T) {
	h := newHarness(t, &recorder{}, newMemStore())
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
