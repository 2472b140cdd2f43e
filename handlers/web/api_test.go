package web_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
	"github.com/waymarkhq/waymark/handlers/web"
	"github.com/waymarkhq/waymark/internal/golden"
)

func TestChatMapsMessage(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  map[string]any
		want bot.Message // Platform, ConversationID, UserID and ID are checked for all
	}{
		{"question", map[string]any{"text": "  who is the LADO\n"}, bot.Message{Text: "who is the LADO"}},
		{"area", map[string]any{"text": "/area Wyvern Vale"}, bot.Message{Command: bot.CmdArea, Text: "Wyvern Vale"}},
		{"help", map[string]any{"text": "/help"}, bot.Message{Command: bot.CmdHelp}},
		{"help upper case", map[string]any{"text": "/HELP "}, bot.Message{Command: bot.CmdHelp}},
		{"contacts", map[string]any{"text": "/contacts psychology"}, bot.Message{Command: bot.CmdContacts, Text: "psychology"}},
		{"consult", map[string]any{"text": "/consult"}, bot.Message{Command: bot.CmdConsult}},
		{"feedback", map[string]any{"text": "/feedback the EDT number was wrong"}, bot.Message{Command: bot.CmdFeedback, Text: "the EDT number was wrong"}},
		{"ask", map[string]any{"text": "/ask  front door number"}, bot.Message{Command: bot.CmdAsk, Text: "front door number"}},
		{"command then new line", map[string]any{"text": "/feedback\nmissing the LADO's email"}, bot.Message{Command: bot.CmdFeedback, Text: "missing the LADO's email"}},
		{"slash not a command", map[string]any{"text": "/ 24 hours?"}, bot.Message{Text: "/ 24 hours?"}},
		{"command field", map[string]any{"command": "area", "text": "Wyvern Vale"}, bot.Message{Command: bot.CmdArea, Text: "Wyvern Vale"}},
		{"command field with slash", map[string]any{"command": "/Contacts", "text": "/prevent"}, bot.Message{Command: bot.CmdContacts, Text: "/prevent"}},
		{"button", map[string]any{"action": map[string]any{"id": bot.ActionHelpful, "value": "ref-42"}},
			bot.Message{Action: &bot.Action{ID: bot.ActionHelpful, Value: "ref-42"}}},
		{"follow-up", map[string]any{"action": map[string]any{"id": bot.ActionAsk, "value": "What about out of hours?"}},
			bot.Message{Action: &bot.Action{ID: bot.ActionAsk, Value: "What about out of hours?"}}},
		{"longest text", map[string]any{"text": strings.Repeat("é", 2000)}, bot.Message{Text: strings.Repeat("é", 2000)}},
		{"form", map[string]any{"action": map[string]any{"id": bot.ActionBook}, "form": map[string]any{
			"specialism": "psychology", "urgency": "routine", "question": "how do I talk to a withdrawn 15 year old?", "area": "Wyvern Vale", "times": ""}},
			bot.Message{Action: &bot.Action{ID: bot.ActionBook}, Form: map[string]string{
				"specialism": "psychology", "urgency": "routine", "question": "how do I talk to a withdrawn 15 year old?", "area": "Wyvern Vale", "times": ""}}},
		{"form, largest", map[string]any{"action": map[string]any{"id": bot.ActionBook}, "form": largestForm()},
			bot.Message{Action: &bot.Action{ID: bot.ActionBook}, Form: largestForm()}},
		{"form, empty", map[string]any{"action": map[string]any{"id": bot.ActionBook}, "form": map[string]any{}},
			bot.Message{Action: &bot.Action{ID: bot.ActionBook}}},
		// The consultation commands go to the engine as text: it tells a
		// command from a question that starts with the same word.
		{"my", map[string]any{"text": "/my"}, bot.Message{Text: "my"}},
		{"reply", map[string]any{"text": "/Reply WM-000001  can we talk at 3?"}, bot.Message{Text: "reply WM-000001  can we talk at 3?"}},
		{"my, a question", map[string]any{"text": "/my 15 year old is flying out tomorrow"}, bot.Message{Text: "my 15 year old is flying out tomorrow"}},
		{"cancel command field", map[string]any{"command": "cancel", "text": "WM-000001"}, bot.Message{Text: "cancel WM-000001"}},
		{"handover", map[string]any{"text": "/handover WM-000001 dr.achebe"}, bot.Message{Text: "handover WM-000001 dr.achebe"}},
		{"handover command field", map[string]any{"command": "/Handover", "text": "WM-000001 dr.achebe"}, bot.Message{Text: "handover WM-000001 dr.achebe"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &recorder{reply: bot.Reply{Text: "ok"}}
			s := newTestServer(t, h)
			tc.req["session"] = session
			r := s.post(t, tc.req)
			if r.status != http.StatusOK {
				t.Fatalf("status %d %s", r.status, r.body)
			}
			got := h.messages()
			if len(got) != 1 {
				t.Fatalf("handler got %d messages, want 1", len(got))
			}
			m := got[0]
			if m.Platform != bot.PlatformWeb || m.ConversationID != session || m.UserID != session {
				t.Errorf("Platform %q, ConversationID %q, UserID %q: want web and the session", m.Platform, m.ConversationID, m.UserID)
			}
			if m.Shared {
				t.Error("Shared: a web session is one practitioner's conversation")
			}
			if m.ID == "" || m.ID != r.header.Get("X-Request-Id") {
				t.Errorf("ID %q, X-Request-Id %q: want the same random id", m.ID, r.header.Get("X-Request-Id"))
			}
			// Others read a name that is not the session id.
			if !strings.HasPrefix(m.UserName, "web chat user ") || strings.Contains(m.UserName, session) {
				t.Errorf("UserName %q: want a name that does not show the session", m.UserName)
			}
			want := tc.want
			want.Platform, want.ConversationID, want.UserID, want.ID, want.UserName = bot.PlatformWeb, session, session, m.ID, m.UserName
			if !reflect.DeepEqual(m, want) {
				t.Errorf("Message\n got %+v %+v\nwant %+v %+v", m, m.Action, want, want.Action)
			}
		})
	}
}

// largestForm is a form at the limits: ten fields, 32-character names,
// 2,000-character values.
func largestForm() map[string]string {
	f := map[string]string{}
	for i := range 10 {
		f[strings.Repeat(string(rune('a'+i)), 31)+"_"] = strings.Repeat("é", 2000)
	}
	return f
}

func TestChatIDsAreFreshPerRequest(t *testing.T) {
	h := &recorder{}
	s := newTestServer(t, h)
	for range 3 {
		s.post(t, map[string]any{"session": session, "text": "who is the LADO"})
	}
	seen := map[string]bool{}
	for _, m := range h.messages() {
		if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(m.ID) || seen[m.ID] {
			t.Errorf("ID %q: want 16 fresh hex digits per request", m.ID)
		}
		seen[m.ID] = true
	}
}

// TestChatRendersReply compares the JSON of a Reply using every field with
// testdata/reply.json; run with -update to rewrite it after a deliberate
// change, and read the diff.
func TestChatRendersReply(t *testing.T) {
	s := newTestServer(t, &recorder{reply: richReply()})
	r := s.post(t, map[string]any{"session": session, "text": "he is flying out to join them"})
	if r.status != http.StatusOK {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, r.body, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "reply.json"), pretty.Bytes())

	// Spot checks that do not depend on the golden file being right.
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) string { return strings.Join(slices.Sorted(maps.Keys(m)), ",") }
	for _, tc := range []struct {
		what string
		v    map[string]any
		want string
	}{
		{"reply", got, "answers,buttons,contacts,follow_ups,form,notices,ref,text"},
		{"form", got["form"].(map[string]any), "fields,id,submit_label,title"},
		{"field", got["form"].(map[string]any)["fields"].([]any)[0].(map[string]any), "hint,kind,label,max_len,name,options,required,value"},
		{"option", got["form"].(map[string]any)["fields"].([]any)[0].(map[string]any)["options"].([]any)[0].(map[string]any), "label,value"},
		{"notice", got["notices"].([]any)[0].(map[string]any), "kind,text,title"},
		{"answer", got["answers"].([]any)[0].(map[string]any), "area,doc_id,full,kind,review_due,reviewed,snippet,stale,title,url,warning"},
		{"contact", got["contacts"].([]any)[0].(map[string]any), "bookable,doc_id,email,hours,name,organisation,out_of_hours,phone,review_due,role,specialism,stale,team,warning"},
		{"button", got["buttons"].([]any)[0].(map[string]any), "action_id,label,style,value"},
	} {
		if k := keys(tc.v); k != tc.want {
			t.Errorf("%s keys %s, want %s", tc.what, k, tc.want)
		}
	}
	a1 := got["answers"].([]any)[1].(map[string]any)
	if a1["stale"] != true || a1["reviewed"] != "" || a1["review_due"] != "2024-01-31" {
		t.Errorf("stale answer rendered as %v", a1)
	}
	if c := got["contacts"].([]any)[0].(map[string]any); c["bookable"] != true || c["out_of_hours"] != "EDT on 01632 961999" {
		t.Errorf("contact rendered as %v", c)
	}
	// Every field has its options as a list, empty for text.
	var reply web.Reply
	if err := json.Unmarshal(r.body, &reply); err != nil {
		t.Fatal(err)
	}
	wantForm := web.Form{ID: bot.ActionBook, Title: "Book a consultation", SubmitLabel: "Send request", Fields: []web.Field{
		{Name: "specialism", Label: "Specialist", Kind: bot.FieldSelect, Value: "psychology", Required: true,
			Options: []web.Option{{Value: "prevent", Label: "Prevent"}, {Value: "psychology", Label: "Psychology"}}},
		{Name: "question", Label: "Your question <b>now</b>", Kind: bot.FieldTextArea, Options: []web.Option{}, Required: true, MaxLen: 2000,
			Hint: "Describe the child without name, date of birth or address."},
		{Name: "times", Label: "Times that suit you", Kind: bot.FieldText, Options: []web.Option{}, MaxLen: 200, Hint: "e.g. Tuesday afternoon"},
	}}
	if reply.Form == nil || !reflect.DeepEqual(*reply.Form, wantForm) {
		t.Errorf("form\n got %+v\nwant %+v", reply.Form, wantForm)
	}
	if fields := got["form"].(map[string]any)["fields"].([]any); fields[1].(map[string]any)["options"] == nil {
		t.Error("a text field's options are null, want []")
	}
}

func TestChatRendersEmptyListsAsArrays(t *testing.T) {
	s := newTestServer(t, &recorder{reply: bot.Reply{Text: "I don't know."}})
	r := s.post(t, map[string]any{"session": session, "text": "what are the bin collection days"})
	const want = `{"text":"I don't know.","notices":[],"answers":[],"contacts":[],"buttons":[],"follow_ups":[],"ref":"","form":null}` + "\n"
	if string(r.body) != want {
		t.Errorf("body %s, want %s", r.body, want)
	}
}

func TestChatInvalidRequests(t *testing.T) {
	ok := `{"session":"` + session + `","text":"who is the LADO"}`
	for _, tc := range []struct {
		name, method, contentType, body string
		header                          http.Header
		status                          int
		message                         string // a part of the error shown
	}{
		{"session missing", "POST", "application/json", `{"text":"hi"}`, nil, 400, "session id must be 8 to 64"},
		{"session short", "POST", "application/json", `{"session":"abc1234","text":"hi"}`, nil, 400, "session id must be 8 to 64"},
		{"session long", "POST", "application/json", `{"session":"` + strings.Repeat("a", 65) + `","text":"hi"}`, nil, 400, "session id must be 8 to 64"},
		{"session characters", "POST", "application/json", `{"session":"abcd efgh/1","text":"hi"}`, nil, 400, "session id must be 8 to 64"},
		{"text too long", "POST", "application/json", `{"session":"` + session + `","text":"` + strings.Repeat("a", 2001) + `"}`, nil, 400,
			"Your message is 2,001 characters long; the limit is 2,000."},
		{"text empty", "POST", "application/json", `{"session":"` + session + `","text":"   "}`, nil, 400, "Type a question"},
		{"unknown command", "POST", "application/json", `{"session":"` + session + `","text":"/delete everything"}`, nil, 400, "Unknown command"},
		{"unknown command field", "POST", "application/json", `{"session":"` + session + `","command":"sudo"}`, nil, 400, "Unknown command"},
		{"action without id", "POST", "application/json", `{"session":"` + session + `","action":{"value":"x"}}`, nil, 400, "no valid action id"},
		{"action value too long", "POST", "application/json", `{"session":"` + session + `","action":{"id":"ask","value":"` + strings.Repeat("a", 2001) + `"}}`, nil, 400, "longer than 2,000"},
		{"form without action", "POST", "application/json", `{"session":"` + session + `","form":{"question":"x"}}`, nil, 400, "sent with the form's action"},
		{"form with text only", "POST", "application/json", `{"session":"` + session + `","text":"hi","form":{"question":"x"}}`, nil, 400, "sent with the form's action"},
		{"form too many fields", "POST", "application/json", formBody(11, "a", "x"), nil, 400, "at most 10 fields; this one has 11"},
		{"form field name upper case", "POST", "application/json", formBody(1, "Question", "x"), nil, 400, "1 to 32 of a-z"},
		{"form field name digits", "POST", "application/json", formBody(1, "q1", "x"), nil, 400, "1 to 32 of a-z"},
		{"form field name long", "POST", "application/json", formBody(1, strings.Repeat("q", 33), "x"), nil, 400, "1 to 32 of a-z"},
		{"form field name empty", "POST", "application/json", formBody(1, "", "x"), nil, 400, "1 to 32 of a-z"},
		{"form value too long", "POST", "application/json", formBody(1, "question", strings.Repeat("é", 2001)), nil, 400,
			`The form's "question" is 2,001 characters long; the limit is 2,000.`},
		{"form value not text", "POST", "application/json", `{"session":"` + session + `","action":{"id":"consult_submit"},"form":{"question":2}}`, nil, 400,
			`"form" has the wrong type`},
		{"bad JSON", "POST", "application/json", `{"session":`, nil, 400, "not valid JSON"},
		{"not JSON", "POST", "application/json", `session=abc`, nil, 400, "not valid JSON"},
		{"empty body", "POST", "application/json", ``, nil, 400, "empty"},
		{"two objects", "POST", "application/json", ok + ok, nil, 400, "one JSON object"},
		{"wrong type", "POST", "application/json", `{"session":"` + session + `","text":42}`, nil, 400, `"text" has the wrong type`},
		{"wrong content type", "POST", "text/plain", ok, nil, 400, "Content-Type: application/json"},
		{"no content type", "POST", "", ok, nil, 400, "Content-Type: application/json"},
		{"too large", "POST", "application/json", `{"session":"` + session + `","text":"` + strings.Repeat("a", handlers.MaxBodyBytes) + `"}`, nil, 413, "too large"},
		{"cross-site", "POST", "application/json", ok, http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403, "only answers its own page"},
		{"other origin", "POST", "application/json", ok, http.Header{"Origin": {"https://evil.example"}}, 403, "only answers its own page"},
		{"GET", "GET", "", "", nil, 405, ""},
		{"PUT", "PUT", "application/json", ok, nil, 405, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &recorder{}
			s := newTestServer(t, h)
			r := s.do(t, tc.method, "/api/chat", tc.contentType, tc.body, tc.header)
			if r.status != tc.status {
				t.Fatalf("status %d %s, want %d", r.status, r.body, tc.status)
			}
			if tc.message != "" {
				if msg := r.errorMessage(t); !strings.Contains(msg, tc.message) {
					t.Errorf("error %q, want it to contain %q", msg, tc.message)
				}
			}
			if n := len(h.messages()); n != 0 {
				t.Errorf("the handler was called %d times; want none for an invalid request", n)
			}
		})
	}
}

// formBody is a request submitting a form of n fields named name (then
// name_b, name_c...), each with value.
func formBody(n int, name, value string) string {
	form := map[string]string{name: value}
	for i := 1; i < n; i++ {
		form[name+"_"+strings.Repeat(string(rune('a'+i)), 1)] = value
	}
	b, _ := json.Marshal(map[string]any{"session": session, "action": map[string]any{"id": bot.ActionBook}, "form": form})
	return string(b)
}

func TestChatSameOriginAllowed(t *testing.T) {
	h := &recorder{}
	s := newTestServer(t, h)
	body := `{"session":"` + session + `","text":"who is the LADO"}`
	r := s.do(t, "POST", "/api/chat", "application/json", body, http.Header{
		"Origin":         {s.URL},
		"Sec-Fetch-Site": {"same-origin"},
	})
	if r.status != http.StatusOK {
		t.Errorf("same-origin request = %d %s, want 200", r.status, r.body)
	}
}

func TestChatHandlerErrors(t *testing.T) {
	for _, tc := range []struct {
		err     error
		status  int
		message string
	}{
		{bot.Errorf(bot.EInvalid, "Name an area: /area Wyvern Vale."), 400, "Name an area: /area Wyvern Vale."},
		{bot.Errorf(bot.ENotFound, "No such answer."), 404, "No such answer."},
		{bot.Errorf(bot.EUnauthorized, "Sign in first."), 401, "Sign in first."},
		{bot.Errorf(bot.EForbidden, "Only specialists can do that."), 403, "Only specialists can do that."},
		{bot.Errorf(bot.EConflict, "That consultation is already booked."), 409, "That consultation is already booked."},
		{&bot.Error{Kind: bot.EUnavailable, Message: "Consultations are unavailable.", Err: errors.New("dial tcp: refused")}, 503, "Consultations are unavailable."},
		{errors.New("index corrupt near who is the LADO"), 500, "Something went wrong on our side."},
	} {
		t.Run(bot.ErrorKind(tc.err), func(t *testing.T) {
			s := newTestServer(t, &recorder{err: tc.err})
			r := s.post(t, map[string]any{"session": session, "text": "who is the LADO"})
			if r.status != tc.status {
				t.Fatalf("status %d, want %d", r.status, tc.status)
			}
			if msg := r.errorMessage(t); !strings.HasPrefix(msg, tc.message) {
				t.Errorf("error %q, want %q", msg, tc.message)
			}
			if r.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id: the page shows it as the error's reference")
			}
		})
	}
}

// TestChatLogsIDsOnly checks that a request is logged by id and status,
// and that neither the text nor the session ever reaches the log, even
// when the handler fails.
func TestChatLogsIDsOnly(t *testing.T) {
	const secret = "Jamie Smith DOB 03/04/2011 at 12 Acacia Road"
	h := &recorder{reply: richReply()}
	s := newTestServer(t, h)

	r := s.post(t, map[string]any{"session": session, "text": secret})
	id := r.header.Get("X-Request-Id")
	h.err = errors.New("boom")
	r2 := s.post(t, map[string]any{"session": session, "text": secret})
	s.post(t, map[string]any{"session": "bad", "text": secret})

	logs := s.logs.String()
	for _, want := range []string{"request_id=" + id + " status=200", "request_id=" + r2.header.Get("X-Request-Id") + " status=500", "status=400"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	for _, banned := range []string{"Jamie", "Acacia", "03/04/2011", session} {
		if strings.Contains(logs, banned) {
			t.Errorf("log contains %q:\n%s", banned, logs)
		}
	}
}
