package slack_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/internal/redistest"
)

// FuzzSlackPayloads posts signed Events API and interaction payloads,
// starting from the recorded ones, to the adapter over a real engine and
// Redis: whatever the bytes, it answers with a status below 500 (or 503,
// which Slack retries) and never panics. CI runs it briefly; run it longer
// with go test -fuzz FuzzSlackPayloads ./handlers/slack.
func FuzzSlackPayloads(f *testing.F) {
	h, _ := newEngineHarness(f, mustKnowledge(f), redistest.Shared(f))
	for _, name := range []string{"app_mention", "message_im", "message_im_changed", "reaction_added", "url_verification", "app_home_opened"} {
		f.Add(true, mustPayload(f, name, payload{EventID: "EvFUZZ", Text: "who is the LADO", TS: "1700000000.000100"}))
	}
	for _, name := range []string{"block_actions", "view_submission", "view_submission_booking"} {
		f.Add(false, mustPayload(f, name, payload{EventID: "trig-fuzz", ActionID: "feedback_helpful", Form: map[string]string{"question": "advice"}}))
	}
	f.Add(true, []byte(`{"type":"event_callback","event":{"type":"app_mention","text":null}}`))
	f.Add(false, []byte(`{"type":"block_actions","actions":[{}]}`))
	f.Fuzz(func(t *testing.T, event bool, body []byte) {
		req := request{path: "/slack/events", body: body}
		if !event {
			req = request{path: "/slack/interactions", form: true, body: []byte("payload=" + url.QueryEscape(string(body)))}
		}
		code, resp := h.do(t, req)
		if code >= 500 && code != 503 {
			t.Errorf("%s answered %d %s", req.path, code, resp)
		}
		if strings.Contains(h.logs.String(), "panic") {
			t.Fatalf("a panic was logged:\n%s", h.logs.String())
		}
	})
}
