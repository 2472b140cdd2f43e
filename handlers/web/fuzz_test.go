package web_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/web"
)

// FuzzChatRequest posts any body to POST /api/chat: the chat answers 200
// or a 4xx with an error message, never a 500 or a panic, and what
// reaches the engine keeps the API's promises (a web message, text and
// form values within their limits, the session the page sent).
func FuzzChatRequest(f *testing.F) {
	for _, seed := range []string{
		`{"session":"k3Jx9_Qe2mB7-wvA","text":"who is the LADO"}`,
		`{"session":"k3Jx9_Qe2mB7-wvA","text":"/area Wyvern Vale"}`,
		`{"session":"k3Jx9_Qe2mB7-wvA","command":"consult","text":"psychology"}`,
		`{"session":"k3Jx9_Qe2mB7-wvA","action":{"id":"feedback_helpful","value":"r-1"}}`,
		`{"session":"k3Jx9_Qe2mB7-wvA","action":{"id":"consult_submit"},"form":{"specialism":"psychology","question":"advice"}}`,
		`{"session":"x"}`, `[]`, `{"text":1}`, ``,
	} {
		f.Add([]byte(seed))
	}
	rec := &recorder{reply: bot.Reply{Text: "ok"}}
	s := newTestServer(f, rec)
	f.Fuzz(func(t *testing.T, body []byte) {
		before := len(rec.messages())
		r := s.do(t, http.MethodPost, "/api/chat", "application/json", string(body), nil)
		if r.status >= 500 {
			t.Fatalf("%q answered %d %s", body, r.status, r.body)
		}
		if r.status != http.StatusOK {
			var e struct{ Error string }
			if json.Unmarshal(r.body, &e) != nil || e.Error == "" {
				t.Fatalf("%q: %d without an error message: %s", body, r.status, r.body)
			}
			return
		}
		ms := rec.messages()
		if len(ms) != before+1 {
			t.Fatalf("%q answered 200 with %d messages to the engine", body, len(ms)-before)
		}
		m := ms[len(ms)-1]
		if m.Platform != bot.PlatformWeb || m.UserID == "" || m.ConversationID != m.UserID || utf8.RuneCountInString(m.Text) > web.MaxTextChars+32 || len(m.Form) > web.MaxFormFields {
			t.Fatalf("%q reached the engine as %+v", body, m)
		}
		for _, v := range m.Form {
			if utf8.RuneCountInString(v) > web.MaxTextChars {
				t.Fatalf("%q: a form value over the limit reached the engine", body)
			}
		}
	})
}
