package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// invoke answers an adaptiveCard/action in the response: the reply as a
// card, or a refusal as a message.
func (a *Adapter) invoke(w http.ResponseWriter, r *http.Request, act activity) error {
	var v adaptiveAction
	if err := json.Unmarshal(act.Value, &v); err != nil || v.Action.Verb == "" {
		return &bot.Error{Kind: bot.EInvalid, Message: "The card action has no verb.", Err: err}
	}
	m := act.message()
	m.Text = ""
	m.Action = &bot.Action{ID: v.Action.Verb}
	keys := make([]string, 0, len(v.Action.Data))
	for k := range v.Action.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := stringOf(v.Action.Data[k])
		if k == "value" {
			m.Action.Value = s
			continue
		}
		if m.Form == nil {
			m.Form = map[string]string{}
		}
		m.Form[k] = s
	}
	j := job{msg: m}
	ctx := r.Context()
	if !a.queue.Enter() {
		return errClosed
	}
	defer a.queue.Leave() // Close waits for the answer, or its goroutine to start

	key := act.invokeKey()
	deadline := time.NewTimer(invokeTimeout)
	defer deadline.Stop()
	if a.invokes != nil {
		if answer, done := a.retried(ctx, j, key, deadline.C); done {
			return writeInvoke(w, answer)
		}
	}

	// The handler runs apart from the request: what the action sets off
	// (a booking's queue post, the duty managers' prompts) must not be cut
	// short when Teams stops waiting. An answer not ready in time is sent
	// to the user when it is (see postLate).
	type result struct {
		answer []byte
		reply  bot.Reply
	}
	results := make(chan result, 1)
	var mu sync.Mutex
	waiting := true // the request still waits for the answer
	a.queue.Go(func() {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jobTimeout)
		defer cancel()
		var res result
		res.answer, res.reply = a.answerInvoke(hctx, j)
		mu.Lock()
		w := waiting
		if w {
			results <- res
		}
		mu.Unlock()
		if a.invokes != nil {
			sctx, cancel := context.WithTimeout(hctx, handlers.DedupeTimeout)
			if err := a.invokes.FinishInvoke(sctx, bot.PlatformTeams, key, res.answer); err != nil {
				a.log.WarnContext(hctx, "teams: card action answer not kept for retries", append(j.attrs(), "err", err)...)
			}
			cancel()
		}
		if !w {
			a.postLate(hctx, act, j, res.reply)
		}
	})
	select {
	case res := <-results:
		return writeInvoke(w, res.answer)
	case <-deadline.C:
	case <-ctx.Done():
	}
	mu.Lock()
	waiting = false
	mu.Unlock()
	select {
	case res := <-results: // it came just in time
		return writeInvoke(w, res.answer)
	default:
	}
	a.log.WarnContext(ctx, "teams: card action slow, its answer will be sent", j.attrs()...)
	return writeInvoke(w, invokeText(act.stillWorking()))
}

// invokeKey identifies a card action for de-duplication: its id within its
// conversation and sender, so that two actions can never share an answer.
func (act activity) invokeKey() string {
	return act.Conversation.ID + "|" + act.From.ID + "|" + act.ID
}

// retried reports, for a card action already delivered, the answer to give
// the retry: the first delivery's, waiting for it until deadline fires, or
// word that it is in hand. done is false for a first delivery, and when the
// store cannot say (better a rare double action than a lost one).
func (a *Adapter) retried(ctx context.Context, j job, key string, deadline <-chan time.Time) (answer []byte, done bool) {
	poll := time.NewTicker(invokePoll)
	defer poll.Stop()
	for pending := false; ; pending = true {
		dctx, cancel := context.WithTimeout(ctx, handlers.DedupeTimeout)
		first, answer, err := a.invokes.BeginInvoke(dctx, bot.PlatformTeams, key)
		cancel()
		switch {
		case err != nil && pending:
			// It is known to be under way: never do it a second time.
			a.log.WarnContext(ctx, "teams: cannot read a retried card action's answer", append(j.attrs(), "err", err)...)
			return invokeText(stillWorkingRetry), true
		case err != nil:
			a.log.WarnContext(ctx, "teams: cannot de-duplicate a card action, answering anyway", append(j.attrs(), "err", err)...)
			return nil, false
		case first && pending:
			// The first delivery's mark expired while polling (it is
			// kept far longer than any answer takes): still in hand.
			return invokeText(stillWorkingRetry), true
		case first:
			return nil, false
		case answer != nil:
			a.log.InfoContext(ctx, "teams: card action retried, answered as before", j.attrs()...)
			return answer, true
		case !pending:
			a.log.InfoContext(ctx, "teams: card action retried while under way, waiting for its answer", j.attrs()...)
		}
		select {
		case <-poll.C:
		case <-deadline:
			a.log.InfoContext(ctx, "teams: retried card action's answer not ready", j.attrs()...)
			return invokeText(stillWorkingRetry), true
		case <-ctx.Done():
			return invokeText(stillWorkingRetry), true
		}
	}
}

// invokePoll is how often a retried card action looks for the first
// delivery's answer.
const invokePoll = 100 * time.Millisecond

// Answers to a card action whose answer is not ready yet.
const (
	stillWorkingHere    = "Working on it: the answer will be posted in this chat."
	stillWorkingPrivate = "Working on it: I will send you the answer in our chat."
	stillWorkingRetry   = "Still working on that."
)

// stillWorking is what a slow card action answers: where its answer will
// come, which is the user's own chat with the bot when the action came
// from a channel or group chat.
func (act activity) stillWorking() string {
	if act.shared() {
		return stillWorkingPrivate
	}
	return stillWorkingHere
}

// shared reports whether the activity came from a channel or group chat.
// Any sign of one counts, so that nothing meant for one person is posted
// where others read it: the conversation type, the isGroup flag, a channel
// in the channel data, or a thread id ("19:...@thread...", where 1:1
// chats are "a:...").
func (act activity) shared() bool {
	c := act.Conversation
	return (c.ConversationType != "" && c.ConversationType != "personal") || c.IsGroup ||
		act.ChannelData.Channel.ID != "" || strings.HasPrefix(c.ID, "19:")
}

// answerInvoke runs the handler for j and returns the invoke response body,
// the reply as a card or a refusal as a message, and the reply to send if
// the answer comes too late for the response.
func (a *Adapter) answerInvoke(ctx context.Context, j job) (answer []byte, reply bot.Reply) {
	defer func() {
		if p := recover(); p != nil {
			a.log.ErrorContext(ctx, "teams: card action panicked", append(j.attrs(), "panic", fmt.Sprint(p))...)
			msg := bot.ErrorMessage(bot.Errorf(bot.EInternal, "Something went wrong."))
			answer, reply = invokeText(msg), bot.Reply{Text: msg}
		}
	}()
	reply, err := a.h.Handle(ctx, j.msg)
	if err != nil {
		a.logRefusal(ctx, j, err)
		msg := bot.ErrorMessage(err)
		return invokeText(msg), bot.Reply{Text: msg}
	}
	a.log.InfoContext(ctx, "teams: card action answered", append(j.attrs(), "action", j.msg.Action.ID, "ref", reply.Ref)...)
	if id := j.msg.Action.ID; id == bot.ActionHelpful || id == bot.ActionNotHelpful {
		// Thanks for feedback is a message: the answer's card, with its
		// booking buttons, stays as it was.
		return invokeText(reply.Text), reply
	}
	b, err := json.Marshal(map[string]any{"statusCode": http.StatusOK, "type": invokeCard, "value": Card(reply)})
	if err != nil {
		msg := bot.ErrorMessage(bot.Errorf(bot.EInternal, "The answer could not be shown."))
		return invokeText(msg), bot.Reply{Text: msg}
	}
	return b, reply
}

// postLate sends the answer to a card action Teams stopped waiting for. An
// answer to a card action is for the person who pressed it (it replaces the
// card for them alone), and may hold a consultation's details, so one from
// a channel or group chat goes to their own chat with the bot, never to
// the channel; without conversation references it is not sent at all.
func (a *Adapter) postLate(ctx context.Context, act activity, j job, reply bot.Reply) {
	var err error
	switch {
	case !act.shared():
		_, err = a.c.Send(ctx, act.ServiceURL, act.Conversation.ID, Activity(reply))
	case a.refs != nil:
		to := bot.Target{Platform: bot.PlatformTeams, TeamID: act.tenant(), Kind: bot.TargetUser, ID: userID(act.From)}
		err = NewNotifier(a.c, a.refs).Notify(ctx, to, reply)
	default:
		err = bot.Errorf(bot.EUnavailable, "no conversation references to reach the user privately")
	}
	if err != nil {
		a.log.ErrorContext(ctx, "teams: sending a slow card action's answer failed", append(j.attrs(), "shared", act.shared(), "err", err)...)
		return
	}
	a.log.InfoContext(ctx, "teams: slow card action's answer sent", append(j.attrs(), "shared", act.shared())...)
}

// invokeText is an invoke response showing text as a message.
func invokeText(text string) []byte {
	b, _ := json.Marshal(map[string]any{"statusCode": http.StatusOK, "type": invokeMessage, "value": text})
	return b
}

func writeInvoke(w http.ResponseWriter, body []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

func stringOf(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}
