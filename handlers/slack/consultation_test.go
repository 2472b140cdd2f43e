package slack_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/internal/clocktest"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// People and channels of the consultation tests. The practitioner is
// userID (sam.okafor), who sends the recorded payloads.
const (
	psychologist   = "U0PSY0001" // a psychology specialist
	psychologistDM = "D0PSY0001" // the psychologist's direct messages with the app, dmOf(psychologist)
	otherWorker    = "U0WKR0002" // a practitioner who is not a specialist
	dutyManager    = "U0DUTY001"
	serviceManager = "U0SVC0001"
	psychQueue     = "C0PSYQ001"
	preventQueue   = "C0PRVQ001"
	dutyChannel    = "C0DUTY001"
)

// deskHarness is the adapter over the real engine with a desk, on the
// sample corpus and a real Redis, whose notifier posts to the same fake
// Slack the adapter answers through.
type deskHarness struct {
	*harness
	store *redisstore.Store
	desk  *bot.Desk
	clock *clocktest.Clock
}

func newDeskHarness(tb testing.TB) *deskHarness {
	tb.Helper()
	kb, err := sampleKnowledge()
	if err != nil {
		tb.Fatal(err)
	}
	fs := startFakeSlack(tb)
	store := mustStore(tb, redistest.Shared(tb))
	notifier, err := wslack.NewNotifier(wslack.Config{BotToken: "xoxb-test-token", APIURL: fs.GetAPIURL()})
	if err != nil {
		tb.Fatal(err)
	}
	cal, err := bot.DefaultCalendar()
	if err != nil {
		tb.Fatal(err)
	}
	slackTarget := func(kind, id string) bot.Target {
		return bot.Target{Platform: bot.PlatformSlack, TeamID: teamID, Kind: kind, ID: id}
	}
	levels := []bot.EscalationLevel{
		{Name: "duty manager", Targets: []bot.Target{slackTarget(bot.TargetChannel, dutyChannel)}, Repeat: 1, RepeatEvery: 10 * time.Minute,
			Acknowledgers: []string{"slack:" + dutyManager}},
		{Name: "service manager", Targets: []bot.Target{slackTarget(bot.TargetUser, serviceManager)}, RepeatEvery: 15 * time.Minute},
	}
	// Tuesday 24 November 2026, 10:00 in London: inside working hours.
	clock := clocktest.At(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	desk, err := bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: store, Notifier: notifier,
		Specialists: map[string][]string{"psychology": {"slack:" + psychologist}, "prevent": {"slack:U0PRV0001"}},
		Queues: map[string]bot.Target{
			"psychology": slackTarget(bot.TargetChannel, psychQueue),
			"prevent":    slackTarget(bot.TargetChannel, preventQueue),
		},
		Policies: map[string]bot.EscalationPolicy{
			bot.UrgencyUrgent:  {Urgency: bot.UrgencyUrgent, ClaimWithin: 30 * time.Minute, Levels: levels},
			bot.UrgencyRoutine: {Urgency: bot.UrgencyRoutine, ClaimWithinWorkingDays: 2, Levels: levels},
		},
		Calendar: cal,
		Clock:    clock,
	})
	if err != nil {
		tb.Fatal(err)
	}
	engine := bot.NewEngine(kb, store, bot.EngineOptions{Clock: clock, DefaultArea: "Wyvern Vale", Desk: desk})
	return &deskHarness{harness: newHarnessOn(tb, fs, engine, store), store: store, desk: desk, clock: clock}
}

// practitionerPerson is the practitioner as the desk knows them.
var practitionerPerson = bot.Person{Platform: bot.PlatformSlack, TeamID: teamID, UserID: userID}

// openBookingForm types "/waymark consult psychology" in
// #safeguarding-advice and returns the modal that opens.
func (d *deskHarness) openBookingForm(tb testing.TB, trigger string) view {
	tb.Helper()
	d.command(tb, "consult psychology", trigger)
	for _, c := range d.slack.WaitCalls(tb, 1, "views.open") {
		if c.Trigger == trigger {
			return mustView(tb, c)
		}
	}
	tb.Fatalf("no views.open with %s: %+v", trigger, d.slack.Calls("views.open"))
	return view{}
}

// submitBooking submits the modal v with the question and returns Slack's
// response, decoded.
func (d *deskHarness) submitBooking(tb testing.TB, v view, trigger, question string) submission {
	tb.Helper()
	body := d.submit(tb, mustPayload(tb, "view_submission_booking", payload{EventID: trigger, Meta: v.PrivateMetadata, Form: map[string]string{
		"specialism": "psychology", "urgency": bot.UrgencyUrgent, "question": question, "area": "Wyvern Vale", "times": "Tuesday afternoon",
	}}))
	var s submission
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		tb.Fatalf("submission response %q: %v", body, err)
	}
	return s
}

// submission is Slack's response to a view_submission.
type submission struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
}

const question = "13 year old boy fixated on school shootings, how do I talk to him about it"

// book opens the form, submits it and waits for the request to reach its
// queue; it returns the queue's post.
func (d *deskHarness) book(tb testing.TB) apiCall {
	tb.Helper()
	v := d.openBookingForm(tb, "trig-book-open")
	if s := d.submitBooking(tb, v, "trig-book-submit", question); s.ResponseAction != "clear" {
		tb.Fatalf("submission answered %+v, want the modal cleared", s)
	}
	return d.slack.WaitPosts(tb, psychQueue, 1)[0]
}

// click presses a button with action_id and value, as user, on a message
// the app posted in channel, and returns the ephemeral answer to it.
func (d *deskHarness) click(tb testing.TB, user, userName, channel, actionID, value, trigger string) apiCall {
	tb.Helper()
	d.interaction(tb, mustPayload(tb, "block_actions", payload{EventID: trigger, User: user, UserName: userName, Channel: channel,
		ActionID: actionID, Text: value, ResponseURL: d.slack.ResponseURL(trigger)}))
	deadline := time.Now().Add(20 * time.Second) // only so that a broken test ends
	for time.Now().Before(deadline) {
		for _, c := range d.slack.Calls("response_url") {
			if strings.HasSuffix(c.Channel, "/"+trigger) {
				return c
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("no answer to the %s click %s: %+v", actionID, trigger, d.slack.Calls())
	return apiCall{}
}

func mustContain(tb testing.TB, what, got string, wants ...string) {
	tb.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			tb.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// TestConsultationFormOpens: "/waymark consult psychology" opens the
// booking modal, with the specialisms that have a queue, psychology chosen.
func TestConsultationFormOpens(t *testing.T) {
	d := newDeskHarness(t)
	v := d.openBookingForm(t, "trig-open")
	d.drain(t)
	if v.CallbackID != bot.ActionBook || v.Title.Text != "Book a consultation" || v.PrivateMetadata != `{"channel":"C0LAN2Q65"}` {
		t.Errorf("view %+v", v)
	}
	if got := v.inputs(); got != bookingInputs {
		t.Errorf("inputs\n got %s\nwant %s", got, bookingInputs)
	}
	var options []string
	for _, o := range v.Blocks[0].Element.Options {
		options = append(options, o.Value)
	}
	if strings.Join(options, ",") != "prevent,psychology" {
		t.Errorf("specialisms %v, want prevent and psychology", options)
	}
	if r := d.slack.Replies(); len(r) != 0 {
		t.Errorf("replies %+v, want only the modal", r)
	}
}

// TestConsultationBooked: the submitted form creates WM-000001; its queue
// gets a Claim button without the question, the practitioner a direct
// message with the reference and a Cancel button, and "/waymark my" lists
// it.
func TestConsultationBooked(t *testing.T) {
	d := newDeskHarness(t)
	queued := d.book(t)
	mustContain(t, "the queue's post", queued.Text+string(queued.Blocks), "WM-000001", `"action_id":"claim"`, `"value":"WM-000001"`, "urgent")
	if strings.Contains(queued.Text+string(queued.Blocks), "school shootings") {
		t.Error("the queue's post shows the question; only the practitioner and the claimant may see it")
	}
	dm := d.slack.WaitPosts(t, userID, 1)[0]
	mustContain(t, "the confirmation", dm.Text+string(dm.Blocks), "Request WM-000001 is with the psychology specialists", `"action_id":"cancel"`)

	cs, err := d.store.ConsultationsOf(context.Background(), practitionerPerson)
	if err != nil || len(cs) != 1 {
		t.Fatalf("stored %+v, %v: want one request", cs, err)
	}
	if c := cs[0]; c.Ref != "WM-000001" || c.State != bot.StateQueued || c.Question != question || c.PreferredTimes != "Tuesday afternoon" ||
		c.Requester.Name != "sam.okafor" || c.RequesterConversation != channelID {
		t.Errorf("stored %+v", c)
	}

	d.command(t, "my", "trig-my")
	mine := d.slack.WaitCalls(t, 1, "response_url")[0]
	mustContain(t, "my", mine.Text, "WM-000001 · psychology · urgent · queued")
	d.drain(t)
}

// TestConsultationWithIdentifyingDetailsRefused: a request naming the
// child with a date of birth is refused in the modal, under the question,
// and nothing of it is kept or sent.
func TestConsultationWithIdentifyingDetailsRefused(t *testing.T) {
	d := newDeskHarness(t)
	v := d.openBookingForm(t, "trig-pd-open")
	s := d.submitBooking(t, v, "trig-pd-submit", "Maisie Okafor dob 02/02/2012 keeps watching beheading videos")
	if s.ResponseAction != "errors" || len(s.Errors) != 1 {
		t.Fatalf("response %+v, want errors on the question", s)
	}
	mustContain(t, "the error", s.Errors["question"], "date of birth", "not sent or kept")
	if strings.Contains(s.Errors["question"], "Maisie") {
		t.Errorf("the error repeats the name: %q", s.Errors["question"])
	}
	d.drain(t)
	if cs, err := d.store.ConsultationsOf(context.Background(), practitionerPerson); err != nil || len(cs) != 0 {
		t.Errorf("stored %+v, %v: nothing may be kept", cs, err)
	}
	var audited int
	if err := d.store.AuditSince(context.Background(), time.Time{}, func(bot.AuditEntry) error { audited++; return nil }); err != nil || audited != 0 {
		t.Errorf("%d audit entries, %v: want none", audited, err)
	}
	if r := d.slack.Replies(); len(r) != 0 {
		t.Errorf("posts %+v, want none", r)
	}
}

// TestConsultationClaim: a practitioner who is not a psychology specialist
// cannot claim (they are told, and the request stays queued); the
// specialist can, sees the details privately, and the practitioner is told
// who has it.
func TestConsultationClaim(t *testing.T) {
	d := newDeskHarness(t)
	d.book(t)

	refused := d.click(t, otherWorker, "alex.jones", psychQueue, bot.ActionClaim, "WM-000001", "trig-claim-other")
	if refused.ResponseType != "ephemeral" || !strings.Contains(refused.Text, "Only the psychology specialists can claim WM-000001") {
		t.Errorf("the refusal %+v, want it shown to who clicked", refused)
	}
	if c, err := d.store.Consultation(context.Background(), "WM-000001"); err != nil || c.State != bot.StateQueued {
		t.Errorf("after the refused claim: %+v, %v; want it queued", c, err)
	}

	claimed := d.click(t, psychologist, "dr.adeyemi", psychQueue, bot.ActionClaim, "WM-000001", "trig-claim")
	if claimed.ResponseType != "ephemeral" {
		t.Errorf("the claim's answer is %q, want ephemeral: it carries the question", claimed.ResponseType)
	}
	mustContain(t, "the claimant's answer", claimed.Text+string(claimed.Blocks), "You have WM-000001", question, "Requested by: <@"+userID+">", `"action_id":"unclaim"`)
	d.slack.WaitPostWith(t, userID, "<@"+psychologist+"> has your consultation request WM-000001. Reply in this thread to write to them (or: reply WM-000001")
	// The queue's card says who has it, in place.
	var card string
	for _, c := range d.slack.Calls("chat.update") {
		if c.Channel == psychQueue {
			card = c.Text + string(c.Blocks)
		}
	}
	mustContain(t, "the queue card", card, "WM-000001", "claimed by <@"+psychologist+">")
	d.drain(t)
	if c, err := d.store.Consultation(context.Background(), "WM-000001"); err != nil || c.State != bot.StateClaimed || c.Claimant.UserID != psychologist {
		t.Errorf("stored %+v, %v; want claimed by %s", c, err, psychologist)
	}
}

// TestConsultationRelay: once claimed, "reply WM-000001 ..." in a direct
// message reaches the other side, both ways.
func TestConsultationRelay(t *testing.T) {
	d := newDeskHarness(t)
	d.book(t)
	d.click(t, psychologist, "dr.adeyemi", psychQueue, bot.ActionClaim, "WM-000001", "trig-claim")
	d.slack.WaitPostWith(t, userID, "has your consultation request")

	d.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0RLY0001", Text: "reply WM-000001 can we talk at 3?", TS: "1700000100.000100"}))
	// A message event names no one: each side is named by user id.
	d.slack.WaitPostWith(t, psychologist, "<@"+userID+"> about WM-000001: can we talk at 3?")
	sent := d.slack.WaitCalls(t, 1, "chat.postEphemeral")[0]
	if sent.Channel != dmID || sent.User != userID || !strings.Contains(sent.Text, "Sent to <@"+psychologist+">") {
		t.Errorf("the practitioner is told %+v", sent)
	}

	d.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0RLY0002", User: psychologist, Channel: psychologistDM,
		Text: "reply WM-000001 yes, I will call you at 3", TS: "1700000200.000100"}))
	d.slack.WaitPostWith(t, userID, "<@"+psychologist+"> about WM-000001: yes, I will call you at 3")
	d.drain(t)
	if strings.Contains(d.logs.String(), "can we talk") || strings.Contains(d.logs.String(), "call you at 3") {
		t.Error("a relayed message reached the log")
	}
}

// TestConsultationRelayInThread: once claimed, each side has a direct
// message from the app about the request; what either writes in its thread
// reaches the other, and the other answers in the thread of what reached
// them.
func TestConsultationRelayInThread(t *testing.T) {
	d := newDeskHarness(t)
	d.book(t)
	d.click(t, psychologist, "dr.adeyemi", psychQueue, bot.ActionClaim, "WM-000001", "trig-claim")
	told := d.slack.WaitPostWith(t, userID, "has your consultation request")

	d.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0THR0001", Text: "could we talk at 3?", TS: "1700000100.000100", ThreadTS: told.TS}))
	relayed := d.slack.WaitPostWith(t, psychologist, "could we talk at 3?")
	// It continues the specialist's one thread about the request, as a
	// reply to their claim note.
	note := d.slack.WaitPostWith(t, psychologist, "You have WM-000001")
	if relayed.ThreadTS != note.TS || relayed.Channel != psychologistDM {
		t.Errorf("relayed in %s thread %q, want the claim note's thread %s %q", relayed.Channel, relayed.ThreadTS, psychologistDM, note.TS)
	}

	// The specialist answers in that thread, as Slack gives a reply: with
	// the thread's root.
	d.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0THR0002", User: psychologist, Channel: psychologistDM,
		Text: "yes, 3 is fine", TS: "1700000200.000100", ThreadTS: relayed.ThreadTS}))
	back := d.slack.WaitPostWith(t, userID, "yes, 3 is fine")
	if back.ThreadTS != told.TS {
		t.Errorf("the answer is in thread %q, want the practitioner's note's %q", back.ThreadTS, told.TS)
	}
	d.drain(t)
}

// TestEscalationAcknowledged: a question describing a risk to others is
// escalated at once to the duty channel, with an Acknowledge button; the
// duty manager's click acknowledges it, the practitioner is told who has
// it, and the ladder stops.
func TestEscalationAcknowledged(t *testing.T) {
	d := newDeskHarness(t)
	d.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0ESC0001", Text: "he says he'll stab someone tomorrow and has a knife", TS: "1700000300.000100"}))
	answer := d.slack.WaitPosts(t, dmID, 1)[0]
	mustContain(t, "the answer", string(answer.Blocks), `"type":"header"`, "call <tel:999|999> now", "I have alerted the duty manager (ESC-000001)")
	prompt := d.slack.WaitPosts(t, dutyChannel, 1)[0]
	// A message event names no one: the practitioner is their user id.
	mustContain(t, "the duty prompt", string(prompt.Blocks), "Escalation ESC-000001", "<@"+userID+">", "weapon", `"action_id":"acknowledge"`, `"value":"ESC-000001"`)
	if strings.Contains(string(prompt.Blocks), "stab someone") {
		t.Error("the prompt repeats the practitioner's words; it must carry only the kinds of risk")
	}

	ack := d.click(t, dutyManager, "duty.manager", dutyChannel, bot.ActionAck, "ESC-000001", "trig-ack")
	if ack.ResponseType != "ephemeral" || !strings.Contains(ack.Text, "You have acknowledged ESC-000001") {
		t.Errorf("the acknowledgement's answer %+v", ack)
	}
	d.slack.WaitPostWith(t, userID, "<@"+dutyManager+"> has your escalation ESC-000001")
	// The prompt, once acknowledged, still says what it was about.
	var updated string
	for _, c := range d.slack.Calls("chat.update") {
		if c.Channel == dutyChannel {
			updated = c.Text + string(c.Blocks)
		}
	}
	mustContain(t, "the acknowledged prompt", updated, "acknowledged by <@"+dutyManager+">", "weapon", "<@"+userID+">")

	// In the channel but not a named acknowledger: refused.
	other := d.click(t, serviceManager, "service.manager", dutyChannel, bot.ActionAck, "ESC-000001", "trig-ack-2")
	mustContain(t, "an acknowledgement by someone not on the level", other.Text, "Only the people prompted")
	again := d.click(t, dutyManager, "duty.manager", dutyChannel, bot.ActionAck, "ESC-000001", "trig-ack-3")
	mustContain(t, "a second acknowledgement", again.Text, "duty.manager")

	// No more prompts, however late the timers are looked at.
	d.clock.Advance(2 * time.Hour)
	if _, err := d.desk.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	d.drain(t)
	if n := len(d.slack.PostsTo(dutyChannel)); n != 1 {
		t.Errorf("%d duty prompts, want the first only", n)
	}
	if n := len(d.slack.PostsTo(serviceManager)); n != 0 {
		t.Errorf("%d prompts to the service manager after the acknowledgement", n)
	}
}

// TestSLAEscalationEndToEnd: an urgent request nobody claims in time
// prompts the duty manager with its reference, urgency, queue, who asked
// and how long it has waited; the practitioner is told, and told again who
// has it; the acknowledged prompt still says what it was about.
func TestSLAEscalationEndToEnd(t *testing.T) {
	d := newDeskHarness(t)
	d.book(t)
	d.clock.Advance(31 * time.Minute)
	if _, err := d.desk.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	prompt := d.slack.WaitPostWith(t, dutyChannel, "Escalation ESC-000001")
	mustContain(t, "the SLA prompt", string(prompt.Blocks), "WM-000001", "an urgent psychology consultation request",
		"from <@"+userID+">", "in the psychology queue", "It has been waiting 31 minutes", `"action_id":"acknowledge"`)
	d.slack.WaitPostWith(t, userID, "No specialist has picked up WM-000001 within 30 minutes, so I have asked the duty manager to chase it (ESC-000001)")
	golden(t, "desk_sla_prompt", mustJSON(t, map[string]any{"text": prompt.Text, "blocks": prompt.Blocks}))

	// Its Show button says where the request stands, never its question.
	mustContain(t, "the SLA prompt", string(prompt.Blocks), `"action_id":"show_request"`, `"value":"WM-000001"`)
	shown := d.click(t, dutyManager, "duty.manager", dutyChannel, bot.ActionShowReq, "WM-000001", "trig-show")
	mustContain(t, "the request shown", shown.Text, "WM-000001 · psychology · urgent · Wyvern Vale", "Requested by <@"+userID+">", "Now waiting in the psychology queue.")
	if strings.Contains(shown.Text, "school shootings") || shown.ResponseType != "ephemeral" {
		t.Errorf("the request shown to the duty manager: %+v, want it private and without the question", shown)
	}

	d.click(t, dutyManager, "duty.manager", dutyChannel, bot.ActionAck, "ESC-000001", "trig-ack")
	d.slack.WaitPostWith(t, userID, "<@"+dutyManager+"> has your escalation ESC-000001 about WM-000001")
	var updated string
	for _, c := range d.slack.Calls("chat.update") {
		if c.Channel == dutyChannel {
			updated = c.Text + string(c.Blocks)
		}
	}
	mustContain(t, "the acknowledged prompt", updated, "acknowledged by <@"+dutyManager+">", "WM-000001", "has not been claimed")
	for _, c := range d.slack.Calls("chat.update") {
		if c.Channel == dutyChannel {
			golden(t, "desk_sla_acknowledged", mustJSON(t, map[string]any{"text": c.Text, "blocks": c.Blocks}))
		}
	}
	if strings.Contains(updated, `"action_id":"acknowledge"`) {
		t.Errorf("the acknowledged prompt keeps its button:\n%s", updated)
	}
}

// TestConsultationFromDirectMessage: "consult" in a direct message has no
// trigger_id, so the answer carries a button; pressing it opens the modal.
func TestConsultationFromDirectMessage(t *testing.T) {
	d := newDeskHarness(t)
	d.event(t, mustPayload(t, "message_im", payload{EventID: "Ev0DMC0001", Text: "consult", TS: "1700000400.000100"}))
	reply := d.slack.WaitPosts(t, dmID, 1)[0]
	mustContain(t, "the answer", string(reply.Blocks), "Open the booking form", `"action_id":"consult"`)
	if n := len(d.slack.Calls("views.open")); n != 0 {
		t.Fatalf("%d views.open without a trigger_id", n)
	}
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(reply.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	var value string
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == bot.ActionConsult {
				value = e.Value
			}
		}
	}
	d.interaction(t, mustPayload(t, "block_actions", payload{EventID: "trig-dm-open", Channel: dmID, ThreadTS: "1700000400.000100",
		ActionID: bot.ActionConsult, Text: value, ResponseURL: d.slack.ResponseURL("dm-open")}))
	opened := d.slack.WaitCalls(t, 1, "views.open")
	d.drain(t)
	if v := mustView(t, opened[0]); opened[0].Trigger != "trig-dm-open" || v.CallbackID != bot.ActionBook ||
		v.PrivateMetadata != `{"channel":"D0PNCRP9N","thread":"1700000400.000100"}` {
		t.Errorf("views.open %+v", opened[0])
	}
}

// TestAppHomeListsRequests: the Home tab shows the practitioner's requests
// with a Cancel button, as "my" lists them.
func TestAppHomeListsRequests(t *testing.T) {
	d := newDeskHarness(t)
	d.book(t)
	d.event(t, mustPayload(t, "app_home_opened", payload{EventID: "Ev0HOMECONS", Text: "home"}))
	view := d.slack.WaitCalls(t, 1, "views.publish")[0]
	mustContain(t, "the App Home", string(view.Blocks), "Your consultation requests", "WM-000001", `"action_id":"cancel"`)
	d.drain(t)
}
