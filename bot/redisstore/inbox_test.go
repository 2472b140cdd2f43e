package redisstore_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// browser is a web chat session, as the desk addresses its practitioner.
var browser = bot.Target{Platform: bot.PlatformWeb, Kind: bot.TargetUser, ID: "k3Jx9_Qe2mB7-wvA"}

func mustNotify(tb testing.TB, s *redisstore.Store, t bot.Target, rs ...bot.Reply) {
	tb.Helper()
	for _, r := range rs {
		if err := s.Notify(tb.Context(), t, r); err != nil {
			tb.Fatalf("Notify %s: %v", t.ID, err)
		}
	}
}

func mustTake(tb testing.TB, s *redisstore.Store, t bot.Target, max int) []bot.Reply {
	tb.Helper()
	rs, err := s.TakeInbox(tb.Context(), t, max)
	if err != nil {
		tb.Fatalf("TakeInbox %s: %v", t.ID, err)
	}
	return rs
}

func texts(rs []bot.Reply) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Text)
	}
	return out
}

func notes(n int) []bot.Reply {
	rs := make([]bot.Reply, n)
	for i := range rs {
		rs[i] = bot.Reply{Text: fmt.Sprint("note ", i)}
	}
	return rs
}

// everyField is a Reply with every field set, times in a zone other than
// UTC.
func everyField() bot.Reply {
	london := time.FixedZone("BST", 3600)
	return bot.Reply{
		Text:    "Dr Bethan Rees has your consultation request WM-000042.",
		Notices: []bot.Notice{{Kind: bot.NoticeActNow, Title: "Act now", Text: "Call 999."}},
		Answers: []bot.AnswerCard{{
			DocID: "wv-prevent", Title: "Prevent <b>referral</b>", Kind: bot.KindProcess, Area: "Wyvern Vale",
			Snippet: "Ring the **Prevent** team.", URL: "https://wyvernvale.example/prevent",
			Reviewed: time.Date(2026, 3, 1, 9, 30, 0, 0, london), ReviewDue: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), Stale: true,
		}},
		Contacts: []bot.ContactCard{{
			DocID: "rees", Name: "Dr Bethan Rees", Role: "Clinical psychologist", Team: "Kestrel", Organisation: "Wyvern Vale Council",
			Phone: "01632 961234", Email: "rees@wyvernvale.example", Hours: "9-5", OutOfHours: "EDT", Specialism: "psychology", Bookable: true,
		}},
		Buttons:   []bot.Button{{ActionID: bot.ActionCancel, Label: "Cancel WM-000042", Value: "WM-000042", Style: bot.StyleDanger}},
		FollowUps: []string{"What happens next?"},
		Ephemeral: true,
		Ref:       "ref-42",
		Form: &bot.Form{ID: bot.ActionBook, Title: "Book", SubmitLabel: "Send", Fields: []bot.Field{{
			Name: "specialism", Label: "Specialist", Kind: bot.FieldSelect, Options: []bot.Option{{Value: "psychology", Label: "Psychology"}},
			Value: "psychology", Hint: "pick one", Required: true, MaxLen: 40,
		}}},
	}
}

func TestInboxKeepsEveryField(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	in := everyField()
	// Every field is set, so that none can be lost unnoticed.
	v := reflect.ValueOf(in)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("everyField leaves %s empty", v.Type().Field(i).Name)
		}
	}
	mustNotify(t, s, browser, in, bot.Reply{Text: "plain"})

	got := mustTake(t, s, browser, 10)
	if len(got) != 2 {
		t.Fatalf("took %d notes, want 2", len(got))
	}
	want := everyField()
	want.Answers[0].Reviewed = want.Answers[0].Reviewed.UTC() // stored in UTC
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got[0], want)
	}
	if !got[0].Answers[0].Reviewed.Equal(in.Answers[0].Reviewed) {
		t.Errorf("reviewed %v, want the same instant as %v", got[0].Answers[0].Reviewed, in.Answers[0].Reviewed)
	}
	if !reflect.DeepEqual(got[1], bot.Reply{Text: "plain"}) {
		t.Errorf("a plain note came back as %+v", got[1])
	}
}

func TestInboxStoredForm(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	mustNotify(t, s, browser, everyField())
	key := s.Keys().Inbox("web::" + browser.ID)
	if want := s.Keys().Prefix + ":{inbox:web::" + browser.ID + "}"; key != want {
		t.Errorf("key %q, want %q", key, want)
	}
	items, err := s.Client().LRange(ctx, key, 0, -1).Result()
	if err != nil || len(items) != 1 {
		t.Fatalf("LRANGE %s = %d items, %v; want 1", key, len(items), err)
	}
	var stored map[string]any
	if err := json.Unmarshal([]byte(items[0]), &stored); err != nil {
		t.Fatalf("stored note is not JSON: %v", err)
	}
	for _, name := range []string{"text", "notices", "answers", "contacts", "buttons", "follow_ups", "ephemeral", "ref", "form"} {
		if _, ok := stored[name]; !ok {
			t.Errorf("stored note has no %q: %s", name, items[0])
		}
	}
	if got := stored["answers"].([]any)[0].(map[string]any)["reviewed"]; got != "2026-03-01T08:30:00Z" {
		t.Errorf("stored reviewed %v, want RFC 3339 in UTC", got)
	}
	wantAbout(t, "inbox", mustTTL(t, s, key), redisstore.InboxTTL)
	if redisstore.InboxTTL != 7*24*time.Hour {
		t.Errorf("InboxTTL = %v, want 7 days", redisstore.InboxTTL)
	}
}

func TestInboxKeyLayout(t *testing.T) {
	k := redisstore.Keys{Prefix: "wm"}
	key := k.Inbox("web:T1:k3Jx9_Qe2mB7")
	if key != "wm:{inbox:web:T1:k3Jx9_Qe2mB7}" {
		t.Errorf("Inbox = %q", key)
	}
	if tag := redisstore.HashTag(key); tag != "inbox:web:T1:k3Jx9_Qe2mB7" {
		t.Errorf("HashTag(%q) = %q", key, tag)
	}
}

func TestInboxOrder(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	if got := mustTake(t, s, browser, 10); got != nil {
		t.Errorf("empty inbox gave %q, want nil", texts(got))
	}
	mustNotify(t, s, browser, notes(3)...)
	if got := texts(mustTake(t, s, browser, 2)); !reflect.DeepEqual(got, []string{"note 0", "note 1"}) {
		t.Errorf("take 2 = %q, want the oldest two", got)
	}
	mustNotify(t, s, browser, bot.Reply{Text: "later"})
	if got := texts(mustTake(t, s, browser, 10)); !reflect.DeepEqual(got, []string{"note 2", "later"}) {
		t.Errorf("take 10 = %q, want the rest, oldest first", got)
	}
	if got := mustTake(t, s, browser, 10); got != nil {
		t.Errorf("after taking everything: %q, want nil", texts(got))
	}
	if n := s.Client().Exists(t.Context(), s.Keys().Inbox("web::"+browser.ID)).Val(); n != 0 {
		t.Errorf("an emptied inbox is still stored")
	}
}

// Sessions and teams have inboxes of their own.
func TestInboxesAreSeparate(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	other := browser
	other.ID = "another-session"
	team := browser
	team.TeamID = "T2"
	noKind := browser
	noKind.Kind = ""
	mustNotify(t, s, browser, bot.Reply{Text: "mine"})
	mustNotify(t, s, other, bot.Reply{Text: "theirs"})
	mustNotify(t, s, team, bot.Reply{Text: "team"})
	if got := texts(mustTake(t, s, noKind, 10)); !reflect.DeepEqual(got, []string{"mine"}) {
		t.Errorf("mine = %q", got)
	}
	if got := texts(mustTake(t, s, other, 10)); !reflect.DeepEqual(got, []string{"theirs"}) {
		t.Errorf("theirs = %q", got)
	}
	if got := texts(mustTake(t, s, team, 10)); !reflect.DeepEqual(got, []string{"team"}) {
		t.Errorf("team = %q", got)
	}
}

func TestInboxKeepsTheNewest(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	if redisstore.InboxMax != 100 {
		t.Errorf("InboxMax = %d, want 100", redisstore.InboxMax)
	}
	mustNotify(t, s, browser, notes(redisstore.InboxMax+5)...)
	if n := s.Client().LLen(t.Context(), s.Keys().Inbox("web::"+browser.ID)).Val(); n != redisstore.InboxMax {
		t.Errorf("%d notes kept, want %d", n, redisstore.InboxMax)
	}
	got := mustTake(t, s, browser, 1000)
	if len(got) != redisstore.InboxMax || got[0].Text != "note 5" || got[len(got)-1].Text != "note 104" {
		t.Errorf("took %d notes, %q to %q; want notes 5 to 104", len(got), got[0].Text, got[len(got)-1].Text)
	}
}

// Of two pages of one session polling at once, each note reaches one.
func TestTakeInboxConcurrent(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	const n = redisstore.InboxMax
	mustNotify(t, s, browser, notes(n)...)

	var (
		mu     sync.Mutex
		seen   = map[string]int{}
		wg     sync.WaitGroup
		failed error
	)
	for range 2 {
		wg.Go(func() {
			for {
				rs, err := s.TakeInbox(t.Context(), browser, 3)
				mu.Lock()
				if err != nil && failed == nil {
					failed = err
				}
				for _, r := range rs {
					seen[r.Text]++
				}
				mu.Unlock()
				if err != nil || len(rs) == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if failed != nil {
		t.Fatal(failed)
	}
	if len(seen) != n {
		t.Errorf("%d distinct notes taken, want %d", len(seen), n)
	}
	for text, times := range seen {
		if times != 1 {
			t.Errorf("%q taken %d times", text, times)
		}
	}
}

func TestInboxRefusals(t *testing.T) {
	t.Parallel()
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	const webOnly = "The inbox only delivers to the web chat."
	slackUser := bot.Target{Platform: bot.PlatformSlack, TeamID: "T1", Kind: bot.TargetUser, ID: "U1"}
	wantError(t, "Notify a Slack user", s.Notify(ctx, slackUser, bot.Reply{Text: "x"}), bot.EInvalid, webOnly)
	teams := bot.Target{Platform: bot.PlatformTeams, Kind: bot.TargetUser, ID: "29:1"}
	wantError(t, "Notify a Teams user", s.Notify(ctx, teams, bot.Reply{Text: "x"}), bot.EInvalid, webOnly)
	_, err := s.TakeInbox(ctx, slackUser, 10)
	wantError(t, "TakeInbox of a Slack user", err, bot.EInvalid, webOnly)

	channel := browser
	channel.Kind = bot.TargetChannel
	wantKind(t, "Notify a web channel", s.Notify(ctx, channel, bot.Reply{Text: "x"}), bot.EInvalid)
	noID := browser
	noID.ID = ""
	wantKind(t, "Notify no session", s.Notify(ctx, noID, bot.Reply{Text: "x"}), bot.EInvalid)
	_, err = s.TakeInbox(ctx, browser, 0)
	wantKind(t, "TakeInbox max 0", err, bot.EInvalid)

	keys, err := s.Client().Keys(ctx, s.Keys().Prefix+":*").Result()
	if err != nil || len(keys) != 0 {
		t.Errorf("refused calls stored %q, %v", keys, err)
	}
}

func TestInboxOutage(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	s := mustStore(t, redisstore.Config{URL: srv.URL()})
	mustNotify(t, s, browser, bot.Reply{Text: "before"})
	srv.Stop(t)

	wantError(t, "Notify while Redis is down", s.Notify(t.Context(), browser, bot.Reply{Text: "x"}), bot.EUnavailable, recordsUnavailableMessage)
	rs, err := s.TakeInbox(t.Context(), browser, 10)
	wantError(t, "TakeInbox while Redis is down", err, bot.EUnavailable, recordsUnavailableMessage)
	if rs != nil {
		t.Errorf("TakeInbox while Redis is down returned %q", texts(rs))
	}

	srv.Start(t)
	eventually(t, 10*time.Second, "the inbox works again after Redis restarted", func() bool {
		return s.Notify(t.Context(), browser, bot.Reply{Text: "after"}) == nil
	})
	if got := texts(mustTake(t, s, browser, 10)); !reflect.DeepEqual(got, []string{"after"}) {
		t.Errorf("after recovery = %q, want [after]", got)
	}
}
