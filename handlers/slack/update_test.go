package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/bot"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
)

// updateCall is one chat.postMessage or chat.update the fake received.
type updateCall struct {
	Method, Channel, TS, Text, Blocks string
}

// updateSlack is a fake Slack for chat.postMessage and chat.update.
// answers, when not empty, are what chat.update says, one per call: a
// Slack error code, "429" for a rate limit, or "" for ok.
type updateSlack struct {
	mu      sync.Mutex
	calls   []updateCall
	answers []string
}

func (f *updateSlack) Calls() []updateCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]updateCall(nil), f.calls...)
}

func (f *updateSlack) handle(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c := updateCall{Method: method, Channel: r.PostForm.Get("channel"), TS: r.PostForm.Get("ts"),
			Text: r.PostForm.Get("text"), Blocks: r.PostForm.Get("blocks")}
		f.mu.Lock()
		f.calls = append(f.calls, c)
		var answer string
		if method == "chat.update" && len(f.answers) > 0 {
			answer, f.answers = f.answers[0], f.answers[1:]
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case answer == "429":
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
		case answer != "":
			fmt.Fprintf(w, `{"ok":false,"error":%q}`, answer)
		case method == "chat.postMessage":
			// Like Slack: a message to a user lands in their DM channel.
			channel := c.Channel
			if strings.HasPrefix(channel, "U") {
				channel = "D" + strings.TrimPrefix(channel, "U")
			}
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000001.000100"}`, channel)
		default:
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q,"text":""}`, c.Channel, c.TS)
		}
	}
}

// startUpdateSlack starts the fake and returns it with a Notifier using it.
func startUpdateSlack(tb testing.TB, answers ...string) (*updateSlack, *wslack.Notifier) {
	tb.Helper()
	f := &updateSlack{answers: answers}
	srv := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", f.handle("chat.postMessage"))
		c.Handle("/chat.update", f.handle("chat.update"))
	})
	srv.Start()
	tb.Cleanup(srv.Stop)
	n, err := wslack.NewNotifier(wslack.Config{BotToken: "xoxb-test-token", APIURL: srv.GetAPIURL()})
	if err != nil {
		tb.Fatal(err)
	}
	return f, n
}

// mustPostCard posts a queue card with a Claim button and returns its thread.
func mustPostCard(tb testing.TB, n *wslack.Notifier, to bot.Target) bot.Thread {
	tb.Helper()
	th, err := n.NotifyThread(context.Background(), to, bot.Reply{
		Text:    "New request REQ-000001 for the psychology desk.",
		Buttons: []bot.Button{{ActionID: "claim", Label: "Claim", Value: "REQ-000001"}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return th
}

func blockTypes(tb testing.TB, blocks string) []string {
	tb.Helper()
	var bs []struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		tb.Fatalf("blocks %q: %v", blocks, err)
	}
	var types []string
	for _, b := range bs {
		types = append(types, b.Type)
	}
	return types
}

var updateTarget = bot.Target{Platform: bot.PlatformSlack, TeamID: "T0UPD", Kind: bot.TargetUser, ID: "U0UPD1"}

func TestNotifierUpdate(t *testing.T) {
	f, n := startUpdateSlack(t)
	th := mustPostCard(t, n, updateTarget)
	if th.Platform != bot.PlatformSlack || th.ConversationID != "D0UPD1" || th.ThreadID == "" {
		t.Fatalf("thread %+v", th)
	}
	if got := blockTypes(t, f.Calls()[0].Blocks); !strings.Contains(strings.Join(got, " "), "actions") {
		t.Fatalf("the posted card has no buttons: %v", got)
	}

	const claimed = "REQ-000001 claimed by Dr Okafor."
	if err := n.Update(context.Background(), updateTarget, th, bot.Reply{Text: claimed}); err != nil {
		t.Fatal(err)
	}
	calls := f.Calls()
	if len(calls) != 2 || calls[1].Method != "chat.update" {
		t.Fatalf("calls %+v, want chat.postMessage then chat.update", calls)
	}
	up := calls[1]
	if up.Channel != th.ConversationID || up.TS != th.ThreadID {
		t.Errorf("chat.update on %s/%s, want %s/%s", up.Channel, up.TS, th.ConversationID, th.ThreadID)
	}
	if !strings.Contains(up.Blocks, "claimed by Dr Okafor") || !strings.Contains(up.Text, "claimed by Dr Okafor") {
		t.Errorf("chat.update text %q, blocks %s: want the new text", up.Text, up.Blocks)
	}
	for _, typ := range blockTypes(t, up.Blocks) {
		if typ == "actions" {
			t.Errorf("the updated card still has buttons: %s", up.Blocks)
		}
	}
}

func TestNotifierUpdateErrors(t *testing.T) {
	for _, tc := range []struct {
		answer string
		kind   string
	}{
		{"message_not_found", bot.ENotFound},
		{"channel_not_found", bot.ENotFound},
		{"cant_update_message", bot.EInvalid},
		{"is_archived", bot.EForbidden},
		{"invalid_auth", bot.EInternal},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			_, n := startUpdateSlack(t, tc.answer)
			th := mustPostCard(t, n, updateTarget)
			err := n.Update(context.Background(), updateTarget, th, bot.Reply{Text: "Claimed."})
			if bot.ErrorKind(err) != tc.kind {
				t.Errorf("Update: %v (%s), want %s", err, bot.ErrorKind(err), tc.kind)
			}
		})
	}
}

func TestNotifierUpdateInvalid(t *testing.T) {
	f, n := startUpdateSlack(t)
	good := bot.Thread{Platform: bot.PlatformSlack, ConversationID: "C0QUEUE", ThreadID: "1700000001.000100"}
	teams := updateTarget
	teams.Platform = bot.PlatformTeams
	for name, tc := range map[string]struct {
		to bot.Target
		th bot.Thread
	}{
		"no ts":        {updateTarget, bot.Thread{Platform: bot.PlatformSlack, ConversationID: "C0QUEUE"}},
		"no channel":   {updateTarget, bot.Thread{Platform: bot.PlatformSlack, ThreadID: "1700000001.000100"}},
		"teams thread": {updateTarget, bot.Thread{Platform: bot.PlatformTeams, ConversationID: "19:abc", ThreadID: "1"}},
		"no platform":  {updateTarget, bot.Thread{ConversationID: "C0QUEUE", ThreadID: "1700000001.000100"}},
		"teams target": {teams, good},
	} {
		if err := n.Update(context.Background(), tc.to, tc.th, bot.Reply{Text: "Claimed."}); bot.ErrorKind(err) != bot.EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("%d requests for threads Slack cannot have, want none", len(calls))
	}
}

func TestNotifierUpdateRateLimited(t *testing.T) {
	f, n := startUpdateSlack(t, "429")
	th := mustPostCard(t, n, updateTarget)
	if err := n.Update(context.Background(), updateTarget, th, bot.Reply{Text: "Claimed."}); err != nil {
		t.Fatalf("Update after one rate limit: %v", err)
	}
	if calls := f.Calls(); len(calls) != 3 {
		t.Errorf("%d calls, want a post and two chat.updates", len(calls))
	}

	// Rate limited every time: given up after three tries, unavailable.
	_, n = startUpdateSlack(t, "429", "429", "429")
	th = mustPostCard(t, n, updateTarget)
	if err := n.Update(context.Background(), updateTarget, th, bot.Reply{Text: "Claimed."}); bot.ErrorKind(err) != bot.EUnavailable {
		t.Errorf("Update always rate limited: %v, want unavailable", err)
	}
}
