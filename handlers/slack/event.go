package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/waymarkhq/waymark/bot"
)

// Inner event types the adapter answers; every other one is acknowledged
// and ignored.
const (
	eventAppMention  = "app_mention"
	eventMessage     = "message"
	eventAppHomeOpen = "app_home_opened"
)

const (
	appHomeTabHome = "home" // app_home_opened for the Home tab, not Messages

	// Slack sets these on redeliveries; the event_id stays the same.
	headerRetryNum    = "X-Slack-Retry-Num"
	headerRetryReason = "X-Slack-Retry-Reason"
)

// serveEvents is POST /slack/events: url_verification is answered with its
// challenge, event callbacks are queued and acknowledged with 200.
func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request) error {
	body, err := a.verified(w, r)
	if err != nil {
		return err
	}
	var env struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return bot.Errorf(bot.EInvalid, "The event is not valid JSON.")
	}
	switch env.Type {
	case slackevents.URLVerification:
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(map[string]string{"challenge": env.Challenge})
	case slackevents.CallbackEvent:
		if n := r.Header.Get(headerRetryNum); n != "" {
			a.log.InfoContext(r.Context(), "slack: event redelivered", "retry", n, "reason", r.Header.Get(headerRetryReason))
		}
		if err := a.acceptEvent(r.Context(), body, queueWait); err != nil {
			return err
		}
	case slackevents.AppRateLimited:
		a.log.WarnContext(r.Context(), "slack: events are being rate limited by Slack")
	default:
		a.log.DebugContext(r.Context(), "slack: event envelope ignored", "type", env.Type)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// acceptEvent parses an event_callback envelope (the body of an Events API
// request, or the payload of a Socket Mode events_api envelope) and admits
// its job, if it is one the adapter answers.
func (a *Adapter) acceptEvent(ctx context.Context, raw []byte, wait time.Duration) error {
	var cb slackevents.EventsAPICallbackEvent
	if err := json.Unmarshal(raw, &cb); err != nil {
		return bot.Errorf(bot.EInvalid, "The event is not valid JSON.")
	}
	j, ok, err := eventJob(cb)
	if err != nil {
		a.log.WarnContext(ctx, "slack: event not understood", "event_id", cb.EventID, "err", err)
		return bot.Errorf(bot.EInvalid, "The event is not valid.")
	}
	if !ok {
		a.log.DebugContext(ctx, "slack: event ignored", "event_id", cb.EventID)
		return nil
	}
	return a.accept(ctx, j, cb.EventID, wait)
}

// eventJob maps an event callback to a job. ok is false for events the
// adapter does not answer: other types, bot messages (its own included),
// edits and every other message subtype, messages outside direct messages
// (where app_mention is the signal), App Home tabs other than Home.
func eventJob(cb slackevents.EventsAPICallbackEvent) (_ job, ok bool, _ error) {
	if cb.InnerEvent == nil {
		return job{}, false, nil
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(*cb.InnerEvent, &head); err != nil {
		return job{}, false, err
	}
	bots := botUsers(cb)
	base := bot.Message{Platform: bot.PlatformSlack, ID: cb.EventID, TeamID: cb.TeamID}
	switch head.Type {
	case eventAppMention:
		var e slackevents.AppMentionEvent
		if err := json.Unmarshal(*cb.InnerEvent, &e); err != nil {
			return job{}, false, err
		}
		if e.BotID != "" || e.User == "" || bots[e.User] || e.Edited != nil {
			return job{}, false, nil
		}
		if bots == nil {
			// Without authorizations, the app is the first user mentioned.
			if m := mentionRE.FindStringSubmatch(e.Text); m != nil {
				bots = map[string]bool{m[1]: true}
			}
		}
		// app_mention carries no channel_type: the channel id says.
		return messageJob(base, e.Channel, "", e.User, e.TimeStamp, e.ThreadTimeStamp, e.Text, bots), true, nil
	case eventMessage:
		var e slackevents.MessageEvent
		if err := json.Unmarshal(*cb.InnerEvent, &e); err != nil {
			return job{}, false, err
		}
		if e.ChannelType != channelTypeIM || e.SubType != "" || e.BotID != "" || e.User == "" || bots[e.User] {
			return job{}, false, nil
		}
		return messageJob(base, e.Channel, e.ChannelType, e.User, e.TimeStamp, e.ThreadTimeStamp, e.Text, bots), true, nil
	case eventAppHomeOpen:
		var e slackevents.AppHomeOpenedEvent
		if err := json.Unmarshal(*cb.InnerEvent, &e); err != nil {
			return job{}, false, err
		}
		if e.Tab != appHomeTabHome || e.User == "" {
			return job{}, false, nil
		}
		m := base
		m.UserID = e.User
		return job{msg: m, home: true, to: target{user: e.User}}, true, nil
	}
	return job{}, false, nil
}

// messageJob is the job for a practitioner's message: answered in its
// thread, or in a new thread under it. ThreadID is that thread, so a
// question asked at the top of a channel and a follow-up asked in the
// reply's thread have the same ThreadID, and with Shared the same context.
// channelType is the event's channel_type, "" when it has none.
func messageJob(base bot.Message, channel, channelType, user, ts, threadTS, text string, bots map[string]bool) job {
	thread := threadTS
	if thread == "" {
		thread = ts
	}
	m := base
	m.ConversationID = channel
	m.ThreadID = thread
	m.Shared = sharedConversation(channel, channelType)
	m.UserID = user
	m.Mentioned = mentioned(text, m.TeamID, bots)
	m.Text = cleanText(text, bots)
	if strings.EqualFold(m.Text, bot.CmdHelp) {
		m.Command, m.Text = bot.CmdHelp, ""
	}
	return job{msg: m, to: target{channel: channel, thread: thread, user: user}}
}

// botUsers returns the app's bot user ids from the event's authorizations,
// or nil when it carries none.
func botUsers(cb slackevents.EventsAPICallbackEvent) map[string]bool {
	var ids map[string]bool
	for _, au := range cb.Authorizations {
		if au.IsBot && au.UserID != "" {
			if ids == nil {
				ids = map[string]bool{}
			}
			ids[au.UserID] = true
		}
	}
	return ids
}

var (
	mentionRE = regexp.MustCompile(`<@([A-Z0-9]+)(?:\|[^>]*)?>`)
	// tokenRE matches Slack's angle-bracket markup: <@U1>, <#C1|name>,
	// <!here>, <https://x|label>, <mailto:a@b|a@b>.
	tokenRE = regexp.MustCompile(`<([^<>]*)>`)
	// spaceBeforePunctRE matches the space a removed mention leaves.
	spaceBeforePunctRE = regexp.MustCompile(` ([,;:.!?])`)
)

// cleanText turns Slack's message markup into the practitioner's words: the
// app's own mentions removed, other mentions, channels and links as their
// labels, &amp; &lt; &gt; decoded, spaces collapsed.
// mentioned are the people text mentions ("<@U0123>", "<@U0123|sam>"),
// in order, the app's bot users left out.
func mentioned(text, teamID string, bots map[string]bool) []bot.Person {
	var out []bot.Person
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		if !bots[m[1]] {
			out = append(out, bot.Person{Platform: bot.PlatformSlack, TeamID: teamID, UserID: m[1]})
		}
	}
	return out
}

func cleanText(text string, bots map[string]bool) string {
	text = mentionRE.ReplaceAllStringFunc(text, func(s string) string {
		if bots[mentionRE.FindStringSubmatch(s)[1]] {
			return " "
		}
		return s
	})
	text = tokenRE.ReplaceAllStringFunc(text, func(s string) string {
		inner := s[1 : len(s)-1]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			if hasLabel {
				return "@" + label
			}
			return target
		case strings.HasPrefix(target, "#"):
			if hasLabel && label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			if hasLabel && label != "" {
				return label
			}
			name, _, _ := strings.Cut(target[1:], "^")
			return "@" + name
		case hasLabel:
			return label
		}
		return strings.TrimPrefix(target, "mailto:")
	})
	text = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(text)
	text = strings.Join(strings.Fields(text), " ")
	// "hi <@app>, does..." leaves "hi , does...".
	return strings.TrimLeft(spaceBeforePunctRE.ReplaceAllString(text, "$1"), ",;: ")
}
