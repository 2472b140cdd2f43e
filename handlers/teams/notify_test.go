package teams_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// The people and places of the recorded activities.
const (
	priyaAAD      = "6f1e2d3c-4b5a-4978-8877-665544332211"
	priyaTeamsID  = "29:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuvwxyz"
	botTeamsID    = "28:00000000-aaaa-bbbb-cccc-000000000001"
	personalConv  = "a:1Xy2Zw3Vu4Ts5Rq6Po7Nm8Lk9Ji0Hg"
	channelTeamID = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2"
)

var priyaTarget = bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetUser, ID: priyaAAD}

// deliver posts the recorded activities named to an adapter that records
// references in store, and waits for its answers.
func deliver(tb testing.TB, store *redisstore.Store, names ...string) *teamsHarness {
	tb.Helper()
	h, _ := mustEngine(tb)
	th := newTeamsHarness(tb, h, store)
	th.adapter.WithRefs(store)
	for _, name := range names {
		if code, body := th.post(tb, th.mustActivity(tb, name), mustSign(tb, th.key, th.claims())); code >= 300 {
			tb.Fatalf("%s: status %d %s", name, code, body)
		}
	}
	th.drain(tb)
	return th
}

func mustRef(tb testing.TB, store *redisstore.Store, kind, id string) map[string]string {
	tb.Helper()
	ref, err := store.ConversationRef(tb.Context(), bot.PlatformTeams, adapterTenant, kind, id)
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

func TestAdapterRecordsRefs(t *testing.T) {
	t.Run("personal", func(t *testing.T) {
		store := mustRedisStore(t)
		th := deliver(t, store, "personal_message")
		want := map[string]string{
			"service_url": th.conn.serviceURL(), "tenant_id": adapterTenant, "bot_id": botTeamsID,
			"user_id": priyaTeamsID, "conversation_id": personalConv,
		}
		if got := mustRef(t, store, bot.TargetUser, priyaAAD); !reflect.DeepEqual(got, want) {
			t.Errorf("user ref = %v, want %v", got, want)
		}
	})
	t.Run("channel", func(t *testing.T) {
		store := mustRedisStore(t)
		th := deliver(t, store, "channel_mention")
		want := map[string]string{
			"service_url": th.conn.serviceURL(), "tenant_id": adapterTenant, "bot_id": botTeamsID,
			"conversation_id": channelTeamID,
		}
		if got := mustRef(t, store, bot.TargetChannel, channelTeamID); !reflect.DeepEqual(got, want) {
			t.Errorf("channel ref = %v, want %v", got, want)
		}
		want = map[string]string{
			"service_url": th.conn.serviceURL(), "tenant_id": adapterTenant, "bot_id": botTeamsID,
			"user_id": priyaTeamsID,
		}
		if got := mustRef(t, store, bot.TargetUser, priyaAAD); !reflect.DeepEqual(got, want) {
			t.Errorf("user ref = %v, want %v (no personal conversation yet)", got, want)
		}
	})
	t.Run("channel after personal keeps the 1:1 chat", func(t *testing.T) {
		store := mustRedisStore(t)
		deliver(t, store, "personal_message", "channel_mention")
		if got := mustRef(t, store, bot.TargetUser, priyaAAD)["conversation_id"]; got != personalConv {
			t.Errorf("user's conversation = %q, want %q", got, personalConv)
		}
	})
	t.Run("welcome", func(t *testing.T) {
		store := mustRedisStore(t)
		deliver(t, store, "members_added")
		if ref := mustRef(t, store, bot.TargetUser, priyaAAD); ref == nil {
			t.Error("no user ref recorded from the conversationUpdate")
		}
	})
	t.Run("off by default", func(t *testing.T) {
		store := mustRedisStore(t)
		h, _ := mustEngine(t)
		th := newTeamsHarness(t, h, store)
		th.post(t, th.mustActivity(t, "personal_message"), mustSign(t, th.key, th.claims()))
		th.drain(t)
		if ref := mustRef(t, store, bot.TargetUser, priyaAAD); ref != nil {
			t.Errorf("ref %v recorded without WithRefs", ref)
		}
	})
}

// sentCard is the activity the Notifier posted, with the text of its card.
func sentCard(tb testing.TB, r recorded) (typ, card string) {
	tb.Helper()
	var sent struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string          `json:"contentType"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(r.Body, &sent); err != nil {
		tb.Fatal(err)
	}
	if len(sent.Attachments) != 1 || sent.Attachments[0].ContentType != teams.ContentType {
		tb.Fatalf("activity %s, want one Adaptive Card", r.Body)
	}
	return sent.Type, string(sent.Attachments[0].Content)
}

var note = bot.Reply{Text: "Dr Bethan Rees has claimed WM-000042.", Ref: "WM-000042"}

func TestNotifierUser(t *testing.T) {
	store := mustRedisStore(t)
	th := deliver(t, store, "personal_message")
	before := len(th.conn.requests())
	n := teams.NewNotifier(mustConnector(t, th.conn.config()), store)

	thread, err := n.NotifyThread(t.Context(), priyaTarget, note)
	if err != nil {
		t.Fatal(err)
	}
	reqs := th.conn.requests()[before:]
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1: %+v", len(reqs), reqs)
	}
	if want := convPath(personalConv, ""); reqs[0].Method != http.MethodPost || reqs[0].Path != want {
		t.Errorf("%s %s, want POST %s", reqs[0].Method, reqs[0].Path, want)
	}
	if typ, card := sentCard(t, reqs[0]); typ != "message" || !strings.Contains(card, "WM-000042") {
		t.Errorf("sent %s card:\n%s", typ, card)
	}
	want := bot.Thread{Platform: bot.PlatformTeams, TeamID: adapterTenant, ConversationID: personalConv, ThreadID: fmt.Sprintf("act-%d", before+1)}
	if thread != want {
		t.Errorf("thread = %+v, want %+v", thread, want)
	}
}

func TestNotifierChannel(t *testing.T) {
	store := mustRedisStore(t)
	th := deliver(t, store, "channel_mention")
	before := len(th.conn.requests())
	n := teams.NewNotifier(mustConnector(t, th.conn.config()), store)

	target := bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetChannel, ID: channelTeamID}
	if err := n.Notify(t.Context(), target, note); err != nil {
		t.Fatal(err)
	}
	reqs := th.conn.requests()[before:]
	if len(reqs) != 1 || reqs[0].Path != convPath(channelTeamID, "") {
		t.Fatalf("requests %+v, want one POST %s", reqs, convPath(channelTeamID, ""))
	}
}

// A user the bot has only seen in a channel: the 1:1 chat is opened first,
// and remembered.
func TestNotifierCreatesConversation(t *testing.T) {
	store := mustRedisStore(t)
	th := deliver(t, store, "channel_mention")
	before := len(th.conn.requests())
	n := teams.NewNotifier(mustConnector(t, th.conn.config()), store)

	thread, err := n.NotifyThread(t.Context(), priyaTarget, note)
	if err != nil {
		t.Fatal(err)
	}
	reqs := th.conn.requests()[before:]
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2: %+v", len(reqs), reqs)
	}
	if reqs[0].Path != "/amer/v3/conversations" {
		t.Errorf("first request %s, want POST /amer/v3/conversations", reqs[0].Path)
	}
	var create struct {
		Bot      struct{ ID string }   `json:"bot"`
		Members  []struct{ ID string } `json:"members"`
		TenantID string                `json:"tenantId"`
	}
	if err := json.Unmarshal(reqs[0].Body, &create); err != nil {
		t.Fatal(err)
	}
	if create.Bot.ID != botTeamsID || len(create.Members) != 1 || create.Members[0].ID != priyaTeamsID || create.TenantID != adapterTenant {
		t.Errorf("create conversation body %s", reqs[0].Body)
	}
	if reqs[1].Path != convPath("a:conv-1", "") {
		t.Errorf("second request %s, want %s", reqs[1].Path, convPath("a:conv-1", ""))
	}
	if _, card := sentCard(t, reqs[1]); !strings.Contains(card, "WM-000042") {
		t.Errorf("card lacks the reference:\n%s", card)
	}
	if thread.ConversationID != "a:conv-1" || thread.ThreadID == "" {
		t.Errorf("thread = %+v", thread)
	}
	if got := mustRef(t, store, bot.TargetUser, priyaAAD)["conversation_id"]; got != "a:conv-1" {
		t.Errorf("stored conversation = %q, want a:conv-1", got)
	}

	// The next notification uses the stored chat.
	if err := n.Notify(t.Context(), priyaTarget, note); err != nil {
		t.Fatal(err)
	}
	reqs = th.conn.requests()[before+2:]
	if len(reqs) != 1 || reqs[0].Path != convPath("a:conv-1", "") {
		t.Errorf("second notification: %+v, want one POST to a:conv-1", reqs)
	}
}

func TestNotifierRefuses(t *testing.T) {
	store := mustRedisStore(t)
	conn := newConnFixture(t)
	n := teams.NewNotifier(mustConnector(t, conn.config()), store)
	for _, c := range []struct {
		name   string
		target bot.Target
		kind   string
		msg    string
	}{
		{"unknown user", priyaTarget, bot.EUnavailable, "I have not talked to that Teams user or channel yet; they need to open a chat with the bot first."},
		{"unknown channel", bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetChannel, ID: channelTeamID}, bot.EUnavailable, "I have not talked to that Teams user or channel yet; they need to open a chat with the bot first."},
		{"slack", bot.Target{Platform: bot.PlatformSlack, TeamID: "T1", Kind: bot.TargetUser, ID: "U1"}, bot.EInvalid, ""},
		{"web", bot.Target{Platform: bot.PlatformWeb, Kind: bot.TargetUser, ID: "s1"}, bot.EInvalid, ""},
		{"no id", bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetUser}, bot.EInvalid, ""},
		{"bad kind", bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: "group", ID: "g1"}, bot.EInvalid, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := n.NotifyThread(t.Context(), c.target, note)
			if got := bot.ErrorKind(err); got != c.kind {
				t.Errorf("error %v has kind %q, want %q", err, got, c.kind)
			}
			if c.msg != "" && bot.ErrorMessage(err) != c.msg {
				t.Errorf("message %q, want %q", bot.ErrorMessage(err), c.msg)
			}
		})
	}
	if reqs := conn.requests(); len(reqs) != 0 {
		t.Errorf("%d connector requests, want none", len(reqs))
	}
}

// TestNotifierTargetsAreTenantScoped: references are kept per tenant, so a
// target reaches a user only under the tenant the user wrote from; one
// without a tenant, or with another tenant's id, finds nothing and nothing
// is posted. (Config gives tenant-less targets the bot's only tenant.)
func TestNotifierTargetsAreTenantScoped(t *testing.T) {
	store := mustRedisStore(t)
	th := deliver(t, store, "personal_message")
	before := len(th.conn.requests())
	n := teams.NewNotifier(mustConnector(t, th.conn.config()), store)
	for _, tenant := range []string{"", "00000000-0000-0000-0000-0000000000aa"} {
		other := priyaTarget
		other.TeamID = tenant
		if err := n.Notify(t.Context(), other, note); bot.ErrorKind(err) != bot.EUnavailable {
			t.Errorf("tenant %q: error %v, want unavailable (no reference)", tenant, err)
		}
	}
	if reqs := th.conn.requests()[before:]; len(reqs) != 0 {
		t.Errorf("requests %+v, want none for other tenants", reqs)
	}
	if err := n.Notify(t.Context(), priyaTarget, note); err != nil {
		t.Fatal(err)
	}
	reqs := th.conn.requests()[before:]
	if len(reqs) != 1 || reqs[0].Path != convPath(personalConv, "") {
		t.Errorf("requests %+v, want one post to the personal conversation", reqs)
	}
}
