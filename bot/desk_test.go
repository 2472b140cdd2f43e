package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/internal/clocktest"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// post is one message the desk sent to Slack.
type post struct{ channel, text, blocks, ts, threadTS string }

// root is the thread p is in: its own ts, or the thread it replied in, as
// Slack gives replies in a thread.
func (p post) root() string {
	if p.threadTS != "" {
		return p.threadTS
	}
	return p.ts
}

// slackRecorder is slacktest standing in for Slack, recording posts.
type slackRecorder struct {
	srv     *slacktest.Server
	mu      sync.Mutex
	posts   []post
	updates []post // chat.update calls: the channel and ts of the message changed
	// failUpdates and failPostsTo make Slack refuse updates, and posts to
	// a channel, as an outage or a removed channel would.
	failUpdates bool
	failPostsTo string
	onPost      func(post)    // run for each post before it is answered
	hangUpdates chan struct{} // when set, updates wait for it to close
}

// fail sets what Slack refuses from now on.
func (r *slackRecorder) fail(updates bool, postsTo string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failUpdates, r.failPostsTo = updates, postsTo
}

func newSlackRecorder(tb testing.TB) *slackRecorder {
	r := &slackRecorder{}
	r.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/usergroups.users.list", func(w http.ResponseWriter, req *http.Request) {
			fmt.Fprint(w, `{"ok":true,"users":["UGRP1"]}`) // the prevent specialists' group
		})
		c.Handle("/chat.update", func(w http.ResponseWriter, req *http.Request) {
			req.ParseForm()
			r.mu.Lock()
			hang := r.hangUpdates
			r.mu.Unlock()
			if hang != nil {
				<-hang // Slack stalls
			}
			r.mu.Lock()
			failing := r.failUpdates
			if !failing {
				r.updates = append(r.updates, post{req.Form.Get("channel"), req.Form.Get("text"), req.Form.Get("blocks"), req.Form.Get("ts"), ""})
			}
			r.mu.Unlock()
			if failing {
				fmt.Fprint(w, `{"ok":false,"error":"message_not_found"}`)
				return
			}
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, req.Form.Get("channel"), req.Form.Get("ts"))
		})
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, req *http.Request) {
			req.ParseForm()
			channel := req.Form.Get("channel")
			r.mu.Lock()
			if channel != "" && channel == r.failPostsTo {
				r.mu.Unlock()
				fmt.Fprint(w, `{"ok":false,"error":"channel_not_found"}`)
				return
			}
			ts := fmt.Sprintf("1700000000.%06d", len(r.posts)+1)
			p := post{channel, req.Form.Get("text"), req.Form.Get("blocks"), ts, req.Form.Get("thread_ts")}
			r.posts = append(r.posts, p)
			hook := r.onPost
			r.mu.Unlock()
			if hook != nil {
				hook(p) // before Slack answers: what happens while a post is in flight
			}
			// Like Slack: a message to a user lands in their DM channel.
			if strings.HasPrefix(channel, "U") {
				channel = "D" + channel
			}
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, channel, ts)
		})
	})
	r.srv.Start()
	tb.Cleanup(r.srv.Stop)
	return r
}

// to returns the posts sent to channel so far.
func (r *slackRecorder) to(channel string) []post {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []post
	for _, p := range r.posts {
		// A user's messages: posted to them, or into their DM channel's
		// threads.
		if p.channel == channel || p.channel == "D"+channel {
			out = append(out, p)
		}
	}
	return out
}

const (
	dutyManagerUser = "UDUTY1"
	practitioner    = "UPRAC1"
	otherWorker     = "UPRAC2"
	psych1          = "UPSY1"
	psych2          = "UPSY2"
	dutyChannel     = "CDUTY"
	serviceMgr      = "USVC1"
	psychQueue      = "CPSYQ"
	preventQueue    = "CPRVQ"
)

func slackTarget(kind, id string) bot.Target {
	return bot.Target{Platform: bot.PlatformSlack, TeamID: "T1", Kind: kind, ID: id}
}

// deskFixture is an engine with a desk on a real Redis, notifying slacktest.
type deskFixture struct {
	engine *bot.Engine
	desk   *bot.Desk
	store  *redisstore.Store
	clock  *clocktest.Clock
	slack  *slackRecorder
}

func newDeskFixture(tb testing.TB, srv *redistest.Server, prefix string, clock *clocktest.Clock, rec *slackRecorder) *deskFixture {
	tb.Helper()
	return newDeskFixtureOn(tb, redisstore.Config{URL: srv.URL(), Prefix: prefix}, clock, rec)
}

// newDeskFixtureOn is a desk fixture on the Redis cfg names: a replica of
// Waymark, when several share cfg, the clock and rec.
func newDeskFixtureOn(tb testing.TB, cfg redisstore.Config, clock *clocktest.Clock, rec *slackRecorder) *deskFixture {
	tb.Helper()
	return newDeskFixtureTimersOn(tb, cfg, nil, clock, rec)
}

// newDeskFixtureTimersOn is a desk fixture whose timers are kept in the
// Redis timerCfg names (nil: cfg's) and everything else in cfg's: for an
// outage of the timers alone.
func newDeskFixtureTimersOn(tb testing.TB, cfg redisstore.Config, timerCfg *redisstore.Config, clock *clocktest.Clock, rec *slackRecorder) *deskFixture {
	tb.Helper()
	store, err := redisstore.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	timers := store
	if timerCfg != nil {
		if timers, err = redisstore.New(*timerCfg); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { timers.Close() })
	}
	notifier, err := wslack.NewNotifier(wslack.Config{BotToken: "xoxb-test", APIURL: rec.srv.GetAPIURL()})
	if err != nil {
		tb.Fatal(err)
	}
	cal, err := bot.DefaultCalendar()
	if err != nil {
		tb.Fatal(err)
	}
	levels := []bot.EscalationLevel{
		{Name: "duty manager", Targets: []bot.Target{slackTarget(bot.TargetChannel, dutyChannel)}, Repeat: 1, RepeatEvery: 10 * time.Minute,
			Acknowledgers: []string{"slack:T1:" + dutyManagerUser}},
		{Name: "service manager", Targets: []bot.Target{slackTarget(bot.TargetUser, serviceMgr)}, Repeat: 0, RepeatEvery: 15 * time.Minute},
	}
	directory, err := wslack.NewDirectory(wslack.Config{BotToken: "xoxb-test", APIURL: rec.srv.GetAPIURL()})
	if err != nil {
		tb.Fatal(err)
	}
	kb := mustKnowledge(tb)
	desk, err := bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: timers, Notifier: notifier, Directory: directory,
		Specialists: map[string][]string{"psychology": {"slack:" + psych1, "slack:T1:" + psych2}, "prevent": {"slack:UPRV1", "slack:group:S0PRV"}},
		Queues:      map[string]bot.Target{"psychology": slackTarget(bot.TargetChannel, psychQueue), "prevent": slackTarget(bot.TargetChannel, preventQueue)},
		Policies: map[string]bot.EscalationPolicy{
			bot.UrgencyUrgent:  {Urgency: bot.UrgencyUrgent, ClaimWithin: 30 * time.Minute, Levels: levels},
			bot.UrgencyRoutine: {Urgency: bot.UrgencyRoutine, ClaimWithinWorkingDays: 2, Levels: levels},
		},
		Calendar:     cal,
		Clock:        clock,
		UpdateBudget: time.Second,
		Leads:        []string{"slack:ULEAD1"},
		CorpusOwners: []string{"slack:T1:UOWN1"},
	})
	if err != nil {
		tb.Fatal(err)
	}
	engine := bot.NewEngine(kb, store, bot.EngineOptions{Clock: clock, DefaultArea: "Wyvern Vale", Desk: desk})
	return &deskFixture{engine: engine, desk: desk, store: store, clock: clock, slack: rec}
}

func newDesk(tb testing.TB) *deskFixture {
	// Tuesday 24 November 2026, 10:00 in London: inside working hours.
	clock := clocktest.At(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	return newDeskFixture(tb, redistest.Shared(tb), redistest.Prefix(tb), clock, newSlackRecorder(tb))
}

func from(user string) bot.Message {
	return bot.Message{Platform: bot.PlatformSlack, TeamID: "T1", UserID: user, UserName: "name-" + user, ConversationID: "D" + user, ID: "m-" + user}
}

func (f *deskFixture) handle(tb testing.TB, m bot.Message) (bot.Reply, error) {
	tb.Helper()
	return f.engine.Handle(context.Background(), m)
}

func (f *deskFixture) must(tb testing.TB, m bot.Message) bot.Reply {
	tb.Helper()
	r, err := f.handle(tb, m)
	if err != nil {
		tb.Fatalf("Handle(%s %+v): %v", m.Command, m.Action, err)
	}
	return r
}

// inThread is text from user written in the thread p is in, in their DM
// with the bot.
func inThread(user string, p post, text string) bot.Message {
	m := from(user)
	m.ConversationID, m.ThreadID, m.Text = "D"+user, p.root(), text
	return m
}

func action(user, id, value string) bot.Message {
	m := from(user)
	m.Action = &bot.Action{ID: id, Value: value}
	return m
}

func command(user, cmd, text string) bot.Message {
	m := from(user)
	m.Command, m.Text = cmd, text
	return m
}

// handOver is "handover ref @to" as an adapter gives it: the mention read
// into Mentioned, its label left in the text.
func handOver(user, ref, to string) bot.Message {
	m := command(user, bot.CmdHandOver, ref+" @name-"+to)
	m.Mentioned = []bot.Person{{Platform: bot.PlatformSlack, TeamID: "T1", UserID: to}}
	return m
}

// book submits the booking form and returns the new reference.
func (f *deskFixture) book(tb testing.TB, user, specialism, urgency, question string) string {
	tb.Helper()
	m := action(user, bot.ActionBook, "")
	m.Form = map[string]string{"specialism": specialism, "urgency": urgency, "question": question, "area": "Wyvern Vale", "times": "Tuesday afternoon"}
	r := f.must(tb, m)
	ref := refIn(r.Text)
	if ref == "" {
		tb.Fatalf("no reference in %q", r.Text)
	}
	return ref
}

func refIn(s string) string {
	i := strings.Index(s, "WM-")
	if i < 0 || len(s) < i+9 {
		return ""
	}
	return s[i : i+9]
}

func (f *deskFixture) tick(tb testing.TB) int {
	tb.Helper()
	n, err := f.desk.Tick(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestConsultationLifecycle(t *testing.T) {
	f := newDesk(t)
	form := f.must(t, command(practitioner, bot.CmdConsult, "psychology"))
	if form.Form == nil || form.Form.ID != bot.ActionBook || len(form.Form.Fields) != 5 {
		t.Fatalf("consult = %+v, want the booking form", form)
	}
	question := "13 year old boy fixated on school shootings, how do I talk to him about it"
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, question)

	queue := f.slack.to(psychQueue)
	if len(queue) != 1 || !strings.Contains(queue[0].text, ref) || !strings.Contains(queue[0].blocks, `"claim"`) {
		t.Fatalf("queue posts = %+v, want one with a Claim button", queue)
	}
	if strings.Contains(queue[0].text+queue[0].blocks, "school shootings") {
		t.Error("the queue post shows the question: only the requester and claimant may see it")
	}

	claimed := f.must(t, action(psych1, bot.ActionClaim, ref))
	if !strings.Contains(claimed.Text, question) {
		t.Errorf("the claimant should see the details: %q", claimed.Text)
	}
	if dm := f.slack.to(practitioner); len(dm) != 1 || !strings.Contains(dm[0].text, "<@"+psych1+"> has your consultation request "+ref) {
		t.Errorf("practitioner told = %+v", dm)
	}
	// The queue's card now says who has it (no second post to the queue).
	if q, ups := f.slack.to(psychQueue), f.slack.updatesOf(queue[0].ts); len(q) != 1 || len(ups) != 1 || !strings.Contains(ups[0].text, "claimed by <@"+psych1+">") {
		t.Errorf("queue posts %+v, card updates %+v", q, ups)
	}

	// Replies are relayed both ways.
	if dm := f.slack.to(psych1); len(dm) != 1 || !strings.Contains(dm[0].text, question) {
		t.Errorf("the claimant's DM thread = %+v, want one with the details", dm)
	}
	f.must(t, command(practitioner, bot.CmdReply, ref+" is Thursday at 2 ok?"))
	if dm := f.slack.to(psych1); len(dm) != 2 || !strings.Contains(dm[1].text, "is Thursday at 2 ok?") {
		t.Errorf("relayed to specialist = %+v", dm)
	}
	f.must(t, command(psych1, bot.CmdReply, ref+" yes, I will call you"))
	if dm := f.slack.to(practitioner); len(dm) != 2 || !strings.Contains(dm[1].text, "yes, I will call you") {
		t.Errorf("relayed to practitioner = %+v", dm)
	}

	if _, err := f.handle(t, command(otherWorker, bot.CmdReply, ref+" can I join?")); bot.ErrorKind(err) != bot.EForbidden {
		t.Errorf("an outsider's relay: %v", err)
	}

	f.must(t, command(psych1, bot.CmdClose, ref+" talked through; see the SEND pathway"))
	if dm := f.slack.to(practitioner); len(dm) != 3 || !strings.Contains(dm[2].text, "see the SEND pathway") {
		t.Errorf("outcome told = %+v", dm)
	}
	c, err := f.store.Consultation(context.Background(), ref)
	if err != nil || c.State != bot.StateClosed || c.Outcome != "talked through; see the SEND pathway" {
		t.Errorf("stored = %+v, %v", c, err)
	}

	var actions []string
	err = f.store.AuditSince(context.Background(), time.Time{}, func(e bot.AuditEntry) error {
		if e.Ref == ref {
			actions = append(actions, e.Action+" by "+e.Actor)
		}
		return nil
	})
	want := []string{
		"created by slack:T1:" + practitioner, "claimed by slack:T1:" + psych1,
		"replied by slack:T1:" + practitioner, "replied by slack:T1:" + psych1, "closed by slack:T1:" + psych1,
	}
	if err != nil || strings.Join(actions, "; ") != strings.Join(want, "; ") {
		t.Errorf("audit = %v, %v\nwant %v", actions, err, want)
	}
	mine := f.must(t, command(practitioner, bot.CmdMy, ""))
	if !strings.Contains(mine.Text, ref+" · psychology · routine · closed") {
		t.Errorf("my = %q", mine.Text)
	}
}

func TestConcurrentClaimsHaveOneWinner(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "need advice on a teenager's online contacts")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := psych1
			if i%2 == 1 {
				who = psych2
			}
			_, err := f.handle(t, action(who, bot.ActionClaim, ref))
			mu.Lock()
			defer mu.Unlock()
			switch bot.ErrorKind(err) {
			case "":
				wins++
			case bot.EConflict:
				conflicts++
			default:
				t.Errorf("claim: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != 49 {
		t.Errorf("%d winners and %d conflicts, want 1 and 49", wins, conflicts)
	}
}

func TestOnlySpecialistsClaimAndIdentifyingBookingsAreRefused(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "how to keep a withdrawn 15 year old talking")
	if _, err := f.handle(t, action(otherWorker, bot.ActionClaim, ref)); bot.ErrorKind(err) != bot.EForbidden {
		t.Errorf("a non-specialist's claim: %v, want forbidden", err)
	}
	if _, err := f.handle(t, action("UPRV1", bot.ActionClaim, ref)); bot.ErrorKind(err) != bot.EForbidden {
		t.Errorf("another specialism's claim: %v, want forbidden", err)
	}

	m := action(otherWorker, bot.ActionBook, "")
	m.Form = map[string]string{"specialism": "psychology", "urgency": "routine", "question": "Maisie Okafor dob 02/02/2012 keeps watching beheading videos"}
	_, err := f.handle(t, m)
	if bot.ErrorKind(err) != bot.EInvalid || !strings.Contains(bot.ErrorMessage(err), "without name, date of birth or address") || strings.Contains(bot.ErrorMessage(err), "Maisie") {
		t.Errorf("identifying booking: %v", err)
	}
	if cs, err := f.store.ConsultationsOf(context.Background(), m.Sender()); err != nil || len(cs) != 0 {
		t.Errorf("stored %v, %v: nothing may be kept", cs, err)
	}

	// The requester can cancel; no one else can.
	if _, err := f.handle(t, action(otherWorker, bot.ActionCancel, ref)); bot.ErrorKind(err) != bot.EForbidden {
		t.Errorf("someone else's cancel: %v", err)
	}
	f.must(t, action(practitioner, bot.ActionCancel, ref))
	if _, err := f.handle(t, action(psych1, bot.ActionClaim, ref)); bot.ErrorKind(err) != bot.EConflict {
		t.Errorf("claiming a cancelled request: %v", err)
	}
}

func ackValue(tb testing.TB, p post) string {
	tb.Helper()
	i := strings.Index(p.blocks, "ESC-")
	if i < 0 {
		tb.Fatalf("no escalation id in %s", p.blocks)
	}
	return p.blocks[i : i+10]
}

func TestClaimSLAEscalatesUpTheLadderUntilAcknowledged(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "worried about a girl's new online 'friends'")

	f.clock.Advance(29 * time.Minute)
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 0 {
		t.Fatalf("%d prompts before the SLA", n)
	}
	f.clock.Advance(2 * time.Minute) // past the 30 minute claim SLA
	f.tick(t)
	duty := f.slack.to(dutyChannel)
	if len(duty) != 1 || !strings.Contains(duty[0].blocks, ref) || !strings.Contains(duty[0].blocks, `"acknowledge"`) {
		t.Fatalf("level 1 prompts = %+v", duty)
	}
	f.clock.Advance(10 * time.Minute)
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 2 {
		t.Fatalf("%d duty prompts, want the repeat", n)
	}
	f.clock.Advance(10 * time.Minute)
	f.tick(t)
	if svc := f.slack.to(serviceMgr); len(svc) != 1 {
		t.Fatalf("level 2 prompts = %d, want 1 after no acknowledgement", len(svc))
	}
	id := ackValue(t, duty[0])
	var steps []string
	f.store.AuditSince(context.Background(), time.Time{}, func(e bot.AuditEntry) error {
		if e.Ref == id {
			steps = append(steps, e.Action+": "+e.Detail)
		}
		return nil
	})
	wantSteps := []string{"escalated: claim_sla " + ref + " urgent", "prompted: level 1 (duty manager), prompt 1",
		"prompted: level 1 (duty manager), prompt 2", "prompted: level 2 (service manager), prompt 1"}
	if strings.Join(steps, "; ") != strings.Join(wantSteps, "; ") {
		t.Errorf("audited ladder = %q\nwant %q", steps, wantSteps)
	}
	ack := f.must(t, action(serviceMgr, bot.ActionAck, id))
	if !strings.Contains(ack.Text, "You have acknowledged "+id) {
		t.Errorf("ack reply = %q", ack.Text)
	}
	if dm := f.slack.to(practitioner); len(dm) == 0 || !strings.Contains(dm[len(dm)-1].text, "<@"+serviceMgr+"> has your escalation "+id) {
		t.Errorf("practitioner told = %+v", dm)
	}
	if _, err := f.handle(t, action(dutyManagerUser, bot.ActionAck, id)); bot.ErrorKind(err) != bot.EConflict || !strings.Contains(bot.ErrorMessage(err), "name-"+serviceMgr) {
		t.Errorf("second ack: %v", err)
	}
	before := len(f.slack.posts)
	f.clock.Advance(2 * time.Hour)
	f.tick(t)
	if after := len(f.slack.posts); after != before {
		t.Errorf("%d more posts after the acknowledgement, want none", after-before)
	}
	// Every lease was released: nothing is left to fire, ever.
	left, err := f.store.TakeDue(context.Background(), f.clock.Now().Add(24*time.Hour), 100)
	if err != nil || len(left) != 0 {
		t.Errorf("timers left after the ladder stopped: %+v, %v", left, err)
	}
}

func TestRoutineSLACountsWorkingDays(t *testing.T) {
	f := newDesk(t) // Tuesday 10:00
	f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "how to approach a family about Prevent")
	f.clock.Advance(47 * time.Hour) // Thursday 09:00: within 2 working days
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 0 {
		t.Fatalf("prompted %d times before two working days", n)
	}
	f.clock.Advance(2 * time.Hour) // Thursday 11:00
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 1 {
		t.Errorf("prompted %d times after two working days, want 1", n)
	}
}

func TestLadderSurvivesRestartAndTwoReplicasFireOnce(t *testing.T) {
	srv := redistest.Shared(t)
	prefix := redistest.Prefix(t)
	clock := clocktest.At(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	rec := newSlackRecorder(t)
	first := newDeskFixture(t, srv, prefix, clock, rec)
	first.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a lad sharing extremist memes")
	clock.Advance(31 * time.Minute)
	first.tick(t)
	if n := len(rec.to(dutyChannel)); n != 1 {
		t.Fatalf("first prompt count %d", n)
	}

	// "Restart": two new engines on the same Redis carry on the ladder.
	a := newDeskFixture(t, srv, prefix, clock, rec)
	b := newDeskFixture(t, srv, prefix, clock, rec)
	for _, step := range []struct {
		advance       time.Duration
		duty, service int
	}{
		{10 * time.Minute, 2, 0}, // repeat at level 1
		{10 * time.Minute, 2, 1}, // level 2
		{15 * time.Minute, 2, 1}, // ladder exhausted: the practitioner is told
	} {
		clock.Advance(step.advance)
		var wg sync.WaitGroup
		for _, f := range []*deskFixture{a, b, a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); f.tick(t) }()
		}
		wg.Wait()
		if d, s := len(rec.to(dutyChannel)), len(rec.to(serviceMgr)); d != step.duty || s != step.service {
			t.Errorf("after %v: %d duty and %d service prompts, want %d and %d", step.advance, d, s, step.duty, step.service)
		}
	}
	// Told once that the request was escalated, however many replicas
	// fired, and once that no one acknowledged.
	dm := rec.to(practitioner)
	if len(dm) != 2 || !strings.Contains(dm[0].text, "I have asked the duty manager to chase it (ESC-") || !strings.Contains(dm[1].blocks, "No duty manager has acknowledged") {
		t.Errorf("practitioner told of the escalation and the exhausted ladder = %+v", dm)
	}
}

func TestRiskQuestionPromptsDutyManagerAtOnce(t *testing.T) {
	f := newDesk(t)
	question := from(practitioner)
	question.Text = "he says he is going to stab someone at school tomorrow and has a knife"
	r := f.must(t, question)
	if len(r.Notices) == 0 || r.Notices[0].Kind != bot.NoticeActNow || !strings.Contains(r.Notices[0].Text, "I have alerted the duty manager (ESC-") {
		t.Fatalf("notices = %+v", r.Notices)
	}
	duty := f.slack.to(dutyChannel)
	if len(duty) != 1 || !strings.Contains(duty[0].blocks, `\u003c@`+practitioner+`\u003e`) || !strings.Contains(duty[0].blocks, "weapon") {
		t.Fatalf("duty prompts = %+v", duty)
	}
	if strings.Contains(duty[0].blocks, "stab someone") {
		t.Error("the prompt repeats the practitioner's words; it must carry only the kinds of risk")
	}
	esc := f.must(t, command(otherWorker, bot.CmdEscalate, ""))
	if !strings.Contains(esc.Text, "ESC-") || len(f.slack.to(dutyChannel)) != 2 {
		t.Errorf("manual escalation = %q, duty prompts %d", esc.Text, len(f.slack.to(dutyChannel)))
	}
}

func TestSpecialistsByUserGroup(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "prevent", bot.UrgencyRoutine, "parents refusing Channel, what are my options")
	if _, err := f.handle(t, action(otherWorker, bot.ActionClaim, ref)); bot.ErrorKind(err) != bot.EForbidden {
		t.Errorf("outside the group: %v", err)
	}
	f.must(t, action("UGRP1", bot.ActionClaim, ref)) // in slack:group:S0PRV
	if c, err := f.store.Consultation(context.Background(), ref); err != nil || c.Claimant.UserID != "UGRP1" {
		t.Errorf("claimed by %+v, %v", c.Claimant, err)
	}
}

// TestRepliesInTheDMThreadReachTheOtherSide: after a claim, specialist and
// practitioner each have a DM thread from the bot; what either writes in it
// (or in the thread of a relayed message) reaches the other.
func TestRepliesInTheDMThreadReachTheOtherSide(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "teenager withdrawn and angry after Channel")
	f.must(t, action(psych1, bot.ActionClaim, ref))
	told := f.slack.to(practitioner)[0] // "... has your consultation request"
	f.must(t, inThread(practitioner, told, "could we talk at 3?"))
	got := f.slack.to(psych1)
	if len(got) != 2 || !strings.Contains(got[1].text, "could we talk at 3?") {
		t.Fatalf("specialist's DMs = %+v", got)
	}
	// One thread a consultation on each side: the relay continues the
	// claim's note.
	if got[1].threadTS != got[0].ts {
		t.Errorf("the relay is in thread %q, want the claim note's %q", got[1].threadTS, got[0].ts)
	}
	// The specialist answers in the thread of the relayed message.
	f.must(t, inThread(psych1, got[1], "yes, 3 is fine"))
	back := f.slack.to(practitioner)
	if len(back) != 2 || !strings.Contains(back[1].text, "yes, 3 is fine") {
		t.Errorf("practitioner's DMs = %+v", back)
	} else if back[1].threadTS != back[0].ts {
		t.Errorf("the answer is in thread %q, want the practitioner's first note's %q", back[1].threadTS, back[0].ts)
	}
	// A thread the desk did not start is an ordinary question.
	other := inThread(practitioner, post{ts: "1699999999.000001"}, "who is the LADO")
	if r := f.must(t, other); len(r.Contacts) == 0 || r.Contacts[0].DocID != "wv-contact-lado" {
		t.Errorf("an unlinked thread: %+v", r)
	}
	var relayed int
	f.store.AuditSince(context.Background(), time.Time{}, func(e bot.AuditEntry) error {
		if e.Ref == ref && e.Action == bot.AuditReplied {
			relayed++
		}
		return nil
	})
	if relayed != 2 {
		t.Errorf("%d relays audited, want 2", relayed)
	}
}

// TestSLATimerFiringAgainDoesNotPromptTwice: a claim-SLA timer that fires a
// second time (a retry after an error, or its lease after a replica died
// mid-way) finds the escalation it started.
func TestSLATimerFiringAgainDoesNotPromptTwice(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a withdrawn 14 year old")
	c, err := f.store.Consultation(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(31 * time.Minute)
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 1 {
		t.Fatalf("%d prompts, want 1", n)
	}
	// The same SLA timer again, as a lease or a retry would bring it back.
	sla := bot.Timer{ID: "sla:" + ref, Due: c.ClaimBy, Kind: bot.TimerClaimSLA, Ref: ref}
	if err := f.store.Schedule(context.Background(), sla); err != nil {
		t.Fatal(err)
	}
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 1 {
		t.Errorf("%d prompts after the SLA timer fired again, want still 1", n)
	}
	if _, err := f.store.Escalation(context.Background(), "ESC-000002"); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("a second escalation was created: %v", err)
	}
}

// TestOnlyThePromptedCanAcknowledge: only a level's user targets and named
// acknowledgers may stop its ladder: not a web chat user, not a member of
// the channel the prompt went to, not a user of a level not yet reached
// (nor may they read its summary).
func TestOnlyThePromptedCanAcknowledge(t *testing.T) {
	f := newDesk(t)
	f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on online contacts")
	f.clock.Advance(31 * time.Minute)
	f.tick(t) // level 1: the duty channel
	id := ackValue(t, f.slack.to(dutyChannel)[0])

	web := bot.Message{Platform: bot.PlatformWeb, ConversationID: "sess-123456", UserID: "sess-123456", Action: &bot.Action{ID: bot.ActionAck, Value: id}}
	_, err := f.handle(t, web)
	if bot.ErrorKind(err) != bot.EForbidden || strings.Contains(bot.ErrorMessage(err), "advice") {
		t.Errorf("web acknowledgement: %v", err)
	}
	// Targets name their workspace (or Teams tenant): the same user id in
	// another one was not prompted.
	elsewhere := action(dutyManagerUser, bot.ActionAck, id)
	elsewhere.TeamID = "T2"
	if _, err := f.handle(t, elsewhere); bot.ErrorKind(err) != bot.EForbidden {
		t.Errorf("acknowledgement from another workspace: %v, want forbidden", err)
	}
	// Someone else in the duty channel, pressing its button, may not: being
	// in a channel is no authority. Nor may the next level's service
	// manager, not yet prompted.
	for _, who := range []string{psych1, serviceMgr} {
		if _, err := f.handle(t, action(who, bot.ActionAck, id)); bot.ErrorKind(err) != bot.EForbidden {
			t.Errorf("acknowledgement by %s, in the channel but not a named acknowledger: %v, want forbidden", who, err)
		}
	}
	// The level's named acknowledger may.
	r := f.must(t, action(dutyManagerUser, bot.ActionAck, id))
	if !strings.Contains(r.Text, "You have acknowledged "+id) {
		t.Errorf("duty manager's acknowledgement: %q", r.Text)
	}
}

// TestHandedBackRequestResumesItsLadder: a request claimed mid-ladder stops
// it; handed back and left unclaimed, it resumes the same ladder where it
// stopped, not a second one alongside.
func TestHandedBackRequestResumesItsLadder(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a boy's new online group")
	f.clock.Advance(31 * time.Minute)
	f.tick(t) // level 1, prompt 1
	f.must(t, action(psych1, bot.ActionClaim, ref))
	f.clock.Advance(10 * time.Minute)
	f.tick(t) // the ladder sees the claim and stops
	if n := len(f.slack.to(dutyChannel)); n != 1 {
		t.Fatalf("%d duty prompts while claimed, want still 1", n)
	}
	f.must(t, action(psych1, bot.ActionUnclaim, ref)) // past its SLA: due again now
	f.tick(t)
	if _, err := f.store.Escalation(context.Background(), "ESC-000002"); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("a second escalation was started: %v", err)
	}
	f.clock.Advance(10 * time.Minute)
	f.tick(t) // the same ladder, on: level 1's repeat
	if n := len(f.slack.to(dutyChannel)); n != 2 {
		t.Errorf("%d duty prompts after the hand-back, want the ladder resumed (2)", n)
	}
}

// TestTimerTakenByACrashedReplicaComesBack: a replica that takes a due
// timer and dies before acting only delays the step by the lease.
func TestTimerTakenByACrashedReplicaComesBack(t *testing.T) {
	f := newDesk(t)
	f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a boy's extremist posts")
	f.clock.Advance(31 * time.Minute)
	// Another replica takes the SLA timer, then dies.
	taken, err := f.store.TakeDue(context.Background(), f.clock.Now(), 10)
	if err != nil || len(taken) != 1 {
		t.Fatalf("taken %+v, %v", taken, err)
	}
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 0 {
		t.Fatalf("%d prompts while the timer is leased to the dead replica", n)
	}
	f.clock.Advance(redisstore.TimerLease)
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 1 {
		t.Errorf("%d prompts after the lease, want the SLA breach escalated (1)", n)
	}
}

// TestHandOverToAColleague: the claimant gives a request to another
// specialist of its specialism, who gets the details; no one else can
// receive it.
func TestHandOverToAColleague(t *testing.T) {
	f := newDesk(t)
	question := "how to approach a father with extreme views"
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, question)
	f.must(t, action(psych1, bot.ActionClaim, ref))
	if _, err := f.handle(t, handOver(psych1, ref, otherWorker)); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("hand-over to a non-specialist: %v", err)
	}
	if _, err := f.handle(t, handOver(psych2, ref, psych2)); bot.ErrorKind(err) != bot.EConflict {
		t.Errorf("hand-over by someone who is not the claimant: %v", err)
	}
	// Typed as text, as in a DM: "handover WM-000001 <@UPSY2|sam>", which
	// the adapter gives as "@sam" with the mention read out.
	typed := from(psych1)
	typed.Text = "handover " + ref + " @sam"
	typed.Mentioned = []bot.Person{{UserID: psych2}}
	r := f.must(t, typed)
	if !strings.HasPrefix(r.Text, "Handed "+ref) {
		t.Fatalf("reply %q", r.Text)
	}
	c, err := f.store.Consultation(context.Background(), ref)
	if err != nil || c.Claimant.UserID != psych2 || c.State != bot.StateClaimed {
		t.Fatalf("stored %+v, %v", c.Claimant, err)
	}
	if dm := f.slack.to(psych2); len(dm) != 1 || !strings.Contains(dm[0].text, question) {
		t.Errorf("new claimant's DMs = %+v, want the details", dm)
	}
	if dm := f.slack.to(practitioner); !strings.Contains(dm[len(dm)-1].text, "now with another specialist") {
		t.Errorf("practitioner's DMs = %+v", dm)
	}
	// The practitioner's words now reach the new claimant.
	f.must(t, command(practitioner, bot.CmdReply, ref+" thank you both"))
	if dm := f.slack.to(psych2); len(dm) != 2 || !strings.Contains(dm[1].text, "thank you both") {
		t.Errorf("relay after the hand-over = %+v", dm)
	}
	var handed []string
	f.store.AuditSince(context.Background(), time.Time{}, func(e bot.AuditEntry) error {
		if e.Ref == ref && e.Action == bot.AuditHandedOver {
			handed = append(handed, e.Actor+" "+e.Detail)
		}
		return nil
	})
	if len(handed) != 1 || handed[0] != "slack:T1:"+psych1+" to slack:T1:"+psych2 {
		t.Errorf("audit = %q", handed)
	}
}

// TestNewBreachAfterAnAcknowledgedEscalation: a request whose escalation was
// acknowledged, then claimed and handed back and left unclaimed, is chased
// again by a new escalation.
func TestNewBreachAfterAnAcknowledgedEscalation(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a girl talking about travel")
	f.clock.Advance(31 * time.Minute)
	f.tick(t)
	first := ackValue(t, f.slack.to(dutyChannel)[0])
	f.must(t, action(dutyManagerUser, bot.ActionAck, first))
	f.must(t, action(psych1, bot.ActionClaim, ref))
	f.must(t, action(psych1, bot.ActionUnclaim, ref)) // past its deadline: due now
	f.tick(t)
	duty := f.slack.to(dutyChannel)
	if len(duty) != 2 || ackValue(t, duty[1]) == first {
		t.Fatalf("duty prompts %d, want a second for a new escalation", len(duty))
	}
	f.clock.Advance(10 * time.Minute)
	f.tick(t)
	if n := len(f.slack.to(dutyChannel)); n != 3 {
		t.Errorf("%d duty prompts, want the new ladder's repeat (3)", n)
	}
}

// TestUnreadableTimerDoesNotBlockOthers: a timer whose stored body is
// corrupt is dropped, and the others taken with it still fire.
func TestUnreadableTimerDoesNotBlockOthers(t *testing.T) {
	f := newDesk(t)
	f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on an angry 15 year old")
	ctx := context.Background()
	cl, keys := f.store.Client(), f.store.Keys()
	if err := cl.HSet(ctx, keys.TimerBodies(), "broken", "{not json").Err(); err != nil {
		t.Fatal(err)
	}
	if err := cl.ZAdd(ctx, keys.Timers(), redis.Z{Score: 0, Member: "broken"}).Err(); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(31 * time.Minute)
	if _, err := f.desk.Tick(ctx); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("Tick error = %v, want the unreadable timer named", err)
	}
	if n := len(f.slack.to(dutyChannel)); n != 1 {
		t.Errorf("%d prompts, want the good timer to fire (1)", n)
	}
	if cl.HExists(ctx, keys.TimerBodies(), "broken").Val() {
		t.Error("the unreadable timer was kept; it would come back in every batch")
	}
}

// updatesOf returns the chat.update calls for the message ts so far.
func (r *slackRecorder) updatesOf(ts string) []post {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []post
	for _, u := range r.updates {
		if u.ts == ts {
			out = append(out, u)
		}
	}
	return out
}

// TestQueueCardShowsWhatBecomesOfTheRequest: the card announcing a request
// in its queue is changed, in place, when the request is claimed, handed
// back (a new card is posted), or cancelled, so no one presses Claim on a
// request that is taken.
func TestQueueCardShowsWhatBecomesOfTheRequest(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "advice on a boy's new online friends")
	cards := f.slack.to(psychQueue)
	if len(cards) != 1 {
		t.Fatalf("%d queue posts, want 1", len(cards))
	}
	first := cards[0]

	f.must(t, action(psych1, bot.ActionClaim, ref))
	ups := f.slack.updatesOf(first.ts)
	if len(ups) != 1 || ups[0].channel != psychQueue || !strings.Contains(ups[0].text, "claimed by <@"+psych1+">") || strings.Contains(ups[0].blocks, `"actions"`) {
		t.Fatalf("after the claim the card was updated %+v, want one update saying who claimed it, with no buttons", ups)
	}

	f.must(t, action(psych1, bot.ActionUnclaim, ref))
	if ups := f.slack.updatesOf(first.ts); len(ups) != 2 || !strings.Contains(ups[1].text, "handed back") {
		t.Errorf("after the hand-back the old card was updated %+v, want it to point to the new one", ups)
	}
	cards = f.slack.to(psychQueue)
	if len(cards) != 2 || !strings.Contains(cards[1].blocks, `"actions"`) {
		t.Fatalf("queue posts %+v, want a second card with a Claim button", cards)
	}

	f.must(t, action(practitioner, bot.ActionCancel, ref))
	if ups := f.slack.updatesOf(cards[1].ts); len(ups) != 1 || !strings.Contains(ups[0].text, "cancelled") {
		t.Errorf("after the cancellation the new card was updated %+v, want it to say so", ups)
	}
	c, err := f.store.Consultation(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if c.QueuePost.ThreadID != cards[1].ts || c.QueuePost.ConversationID != psychQueue {
		t.Errorf("recorded queue post %+v, want the newer card %s", c.QueuePost, cards[1].ts)
	}
	for _, u := range append(f.slack.updatesOf(first.ts), f.slack.updatesOf(cards[1].ts)...) {
		if strings.Contains(u.text+u.blocks, "online friends") {
			t.Errorf("a queue card shows the question: %+v", u)
		}
	}
}

// TestQueueCardAfterHandOverAndClose: the card follows a hand-over to the
// new claimant, then the close.
func TestQueueCardAfterHandOverAndClose(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "advice on a girl's new online group")
	card := f.slack.to(psychQueue)[0]
	f.must(t, action(psych1, bot.ActionClaim, ref))
	f.must(t, handOver(psych1, ref, psych2))
	ups := f.slack.updatesOf(card.ts)
	if len(ups) != 2 || !strings.Contains(ups[1].text, "claimed by <@"+psych2+">") {
		t.Fatalf("card updates %+v, want it to name the new claimant", ups)
	}
	f.must(t, command(psych2, bot.CmdClose, ref+" talked it through"))
	if ups := f.slack.updatesOf(card.ts); len(ups) != 3 || !strings.Contains(ups[2].text, "closed") || strings.Contains(ups[2].text, "talked it through") {
		t.Errorf("card updates %+v, want it closed, without the outcome", ups)
	}
	if n := len(f.slack.to(psychQueue)); n != 1 {
		t.Errorf("%d posts to the queue, want only the card (its updates say the rest)", n)
	}
}

// TestQueueCardWhenSlackRefuses: when a card cannot be updated, the queue
// is told in a message; when a handed-back request's new card cannot be
// posted, the old card is made claimable again, so one is always there.
func TestQueueCardWhenSlackRefuses(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "advice on a boy's gaming chats")
	card := f.slack.to(psychQueue)[0]

	f.slack.fail(true, "")
	f.must(t, action(psych1, bot.ActionClaim, ref))
	q := f.slack.to(psychQueue)
	if len(q) != 2 || !strings.Contains(q[1].text, "has been claimed by <@"+psych1+">") {
		t.Fatalf("queue posts %+v, want a message saying who claimed it", q)
	}

	f.slack.fail(false, psychQueue)
	f.must(t, action(psych1, bot.ActionUnclaim, ref))
	ups := f.slack.updatesOf(card.ts)
	if len(ups) != 1 || !strings.Contains(ups[0].blocks, `"actions"`) || !strings.Contains(ups[0].blocks, "Claim "+ref) {
		t.Errorf("old card updates %+v, want it claimable again", ups)
	}
}

// TestPromptsShowWhoAcknowledged: once a duty manager acknowledges, every
// prompt of the escalation says who has it and loses its button.
func TestPromptsShowWhoAcknowledged(t *testing.T) {
	f := newDesk(t)
	f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a boy's extremist posts")
	f.clock.Advance(31 * time.Minute)
	f.tick(t) // level 1, prompt 1
	f.clock.Advance(10 * time.Minute)
	f.tick(t) // level 1, prompt 2
	prompts := f.slack.to(dutyChannel)
	if len(prompts) != 2 {
		t.Fatalf("%d prompts, want 2", len(prompts))
	}
	id := ackValue(t, prompts[0])
	f.must(t, action(dutyManagerUser, bot.ActionAck, id))
	for _, p := range prompts {
		ups := f.slack.updatesOf(p.ts)
		if len(ups) != 1 || !strings.Contains(ups[0].text, "acknowledged by <@"+dutyManagerUser+">") || strings.Contains(ups[0].blocks, `"actions"`) {
			t.Errorf("prompt %s updates %+v, want one saying who acknowledged, without buttons", p.ts, ups)
		}
	}
}

// TestPromptPostedDuringAcknowledgement: a prompt whose post is still in
// flight when someone acknowledges (a second level's, say) is changed too,
// once it lands.
func TestPromptPostedDuringAcknowledgement(t *testing.T) {
	f := newDesk(t)
	f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a boy's extremist posts")
	f.clock.Advance(31 * time.Minute)
	f.tick(t) // level 1, prompt 1
	id := ackValue(t, f.slack.to(dutyChannel)[0])
	var once sync.Once
	f.slack.mu.Lock()
	f.slack.onPost = func(p post) {
		if p.channel == dutyChannel {
			once.Do(func() { f.must(t, action(dutyManagerUser, bot.ActionAck, id)) })
		}
	}
	f.slack.mu.Unlock()
	f.clock.Advance(10 * time.Minute)
	f.tick(t) // level 1, prompt 2: acknowledged while it is posted
	prompts := f.slack.to(dutyChannel)
	if len(prompts) != 2 {
		t.Fatalf("%d prompts, want 2", len(prompts))
	}
	if ups := f.slack.updatesOf(prompts[1].ts); len(ups) != 1 || !strings.Contains(ups[0].text, "acknowledged by") {
		t.Errorf("the prompt posted during the acknowledgement was updated %+v, want once, saying who has it", ups)
	}
}

// TestStalledUpdatesDoNotHoldUpTheAnswer: when Slack stalls on changing
// the prompts, the duty manager still gets the acknowledgement's answer,
// with whom to contact; the changes are given up after the budget.
func TestStalledUpdatesDoNotHoldUpTheAnswer(t *testing.T) {
	f := newDesk(t)
	f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on a boy's extremist posts")
	f.clock.Advance(31 * time.Minute)
	f.tick(t)
	id := ackValue(t, f.slack.to(dutyChannel)[0])
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	f.slack.mu.Lock()
	f.slack.hangUpdates = stall
	f.slack.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // less than Slack's own 15 s timeout
	defer cancel()
	m := action(dutyManagerUser, bot.ActionAck, id)
	r, err := f.engine.Handle(ctx, m)
	if err != nil || !strings.Contains(r.Text, "You have acknowledged "+id) || !strings.Contains(r.Text, "name-"+practitioner) {
		t.Fatalf("acknowledgement: %q, %v", r.Text, err)
	}
	if ctx.Err() != nil {
		t.Errorf("the job's context ended while the prompts were changed: %v", ctx.Err())
	}
}

// TestHandOverByUserID: where a platform has no mentions (the web chat),
// the colleague is named by their user id, and a Teams name of several
// words after a mention is still a hand-over, not a question.
func TestHandOverByUserID(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "how to talk with a withdrawn boy")
	f.must(t, action(psych1, bot.ActionClaim, ref))
	typed := from(psych1)
	typed.Text = "handover " + ref + " " + psych2
	if r := f.must(t, typed); !strings.HasPrefix(r.Text, "Handed "+ref) {
		t.Fatalf("by user id: reply %q", r.Text)
	}
	named := from(psych2)
	named.Text = "handover " + ref + " Dr Amara Thackeray"
	named.Mentioned = []bot.Person{{UserID: psych1, Name: "Dr Amara Thackeray"}}
	if r := f.must(t, named); !strings.HasPrefix(r.Text, "Handed "+ref) {
		t.Fatalf("by a mention with a long name: reply %q", r.Text)
	}
	c, err := f.store.Consultation(context.Background(), ref)
	if err != nil || c.Claimant.UserID != psych1 {
		t.Fatalf("claimant %+v, %v; want %s", c.Claimant, err, psych1)
	}
}

// A person's mention copied into a relayed message is text, not a
// mention: the marks are taken out before the engine reads it.
func TestRelayCannotForgeAMention(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "teenager watching extremist videos, how do I raise it")
	f.must(t, action(psych1, bot.ActionClaim, ref))
	forged := bot.Person{Platform: bot.PlatformSlack, TeamID: "T1", UserID: "UBOSS", Name: "The Boss"}.Mention()
	f.must(t, command(practitioner, bot.CmdReply, ref+" ask "+forged+" too"))
	dm := f.slack.to(psych1)
	if len(dm) == 0 {
		t.Fatal("nothing relayed")
	}
	if last := dm[len(dm)-1].text; strings.Contains(last, "<@UBOSS>") || !strings.Contains(last, "ask slackT1UBOSSThe Boss too") {
		t.Errorf("a forged mention relayed as %q", last)
	}
}

// TestCommandsInTheThreadAct: the claimant's close, handback and handover
// typed in a consultation's thread act on it and are not relayed; anything
// else is relayed once; the practitioner's "close ..." is a message.
func TestCommandsInTheThreadAct(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyRoutine, "teenager withdrawn and angry after Channel")
	f.must(t, action(psych1, bot.ActionClaim, ref))
	state := func() string {
		c, err := f.store.Consultation(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		return c.State + " " + c.Claimant.UserID
	}
	note := f.slack.to(psych1)[0] // "You have WM-..."
	if !strings.Contains(note.text, "handback or handover @colleague to act on "+ref) {
		t.Errorf("the claimant's note does not say the thread takes commands: %q", note.text)
	}
	toPractitioner := len(f.slack.to(practitioner))

	// The practitioner's words starting with a command word are a message.
	f.must(t, inThread(practitioner, f.slack.to(practitioner)[0], "close to tears this morning, can we talk sooner"))
	if got := f.slack.to(psych1); len(got) != 2 || !strings.Contains(got[1].text, "close to tears") {
		t.Fatalf("the practitioner's message was not relayed: %+v", got)
	}

	// hand over @colleague: the request moves; nothing is relayed.
	m := inThread(psych1, note, "handover @name-"+psych2)
	m.Mentioned = []bot.Person{{Platform: bot.PlatformSlack, TeamID: "T1", UserID: psych2}}
	f.must(t, m)
	if got := state(); got != bot.StateClaimed+" "+psych2 {
		t.Errorf("after handover in the thread: %s", got)
	}
	// handback, by the new claimant in their thread.
	note2 := f.slack.to(psych2)[0]
	f.must(t, inThread(psych2, note2, "handback"))
	if got := state(); got != bot.StateQueued+" " {
		t.Errorf("after handback in the thread: %s", got)
	}
	// close, with its outcome, after a new claim.
	f.must(t, action(psych1, bot.ActionClaim, ref))
	dms := f.slack.to(psych1)
	f.must(t, inThread(psych1, dms[len(dms)-1], "close "+ref+" talked it through"))
	if got := state(); !strings.HasPrefix(got, bot.StateClosed) {
		t.Errorf("after close in the thread: %s", got)
	}
	for _, p := range f.slack.to(practitioner)[toPractitioner:] {
		if strings.Contains(p.text, "about "+ref+":") {
			t.Errorf("a command was relayed to the practitioner: %q", p.text)
		}
	}
}

// TestOnlyThoseConcernedSeeARequest: "Show WM-..." tells where a request
// stands and who asked; references are sequential, so it answers only
// its requester, its specialism's specialists and its ladder's people.
func TestOnlyThoseConcernedSeeARequest(t *testing.T) {
	f := newDesk(t)
	ref := f.book(t, practitioner, "psychology", bot.UrgencyUrgent, "advice on online contacts")
	for _, who := range []string{practitioner, psych1, dutyManagerUser, serviceMgr} {
		if r, err := f.handle(t, action(who, bot.ActionShowReq, ref)); err != nil || !strings.Contains(r.Text, "Requested by") {
			t.Errorf("%s shows %s: %q, %v", who, ref, r.Text, err)
		}
	}
	web := bot.Message{Platform: bot.PlatformWeb, ConversationID: "sess-123456", UserID: "sess-123456", Action: &bot.Action{ID: bot.ActionShowReq, Value: ref}}
	for _, m := range []bot.Message{action("UOTHER1", bot.ActionShowReq, ref), web} {
		if r, err := f.handle(t, m); bot.ErrorKind(err) != bot.EForbidden || strings.Contains(r.Text, "Requested by") {
			t.Errorf("%s/%s shows %s: %q, %v, want forbidden", m.Platform, m.UserID, ref, r.Text, err)
		}
	}
}
