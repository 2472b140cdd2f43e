package slack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
)

// serveInteractions is POST /slack/interactions: a button press
// (block_actions) is queued and acknowledged with an empty 200 (a Book
// button's form is opened at once instead, see opensForm). A modal's
// submission (view_submission) is answered by the handler before Slack is,
// and the response says what becomes of the modal: {"response_action":
// "clear"} closes it, {"response_action": "errors", ...} keeps it open with
// the reason it was refused (see submit). Other interactions are
// acknowledged and ignored.
func (a *Adapter) serveInteractions(w http.ResponseWriter, r *http.Request) error {
	body, err := a.verified(w, r)
	if err != nil {
		return err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return bot.Errorf(bot.EInvalid, "The interaction is not a valid form.")
	}
	var cb slackapi.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		return bot.Errorf(bot.EInvalid, "The interaction payload is not valid JSON.")
	}
	if cb.Type == slackapi.InteractionTypeViewSubmission {
		resp, err := a.submit(cb)
		if err != nil || resp == nil {
			if err == nil {
				w.WriteHeader(http.StatusOK) // an empty 200 closes the modal
			}
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(resp)
	}
	if j, ok := interactionJob(cb); ok {
		if err := a.accept(r.Context(), j, "", queueWait); err != nil {
			return err
		}
	} else {
		a.log.DebugContext(r.Context(), "slack: interaction ignored", "type", string(cb.Type), "user", cb.User.ID)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// interactionJob maps an interaction to a job. A button becomes an Action
// with the button's action_id (without the "#n" that keeps ids unique in a
// message) and value, answered in the thread of the message that carried
// it, privately when that message was ephemeral, or by direct message when
// the button was on the App Home. ThreadID is the thread the reply goes
// to, the question's, so a follow-up button carries the same context as
// the question. The trigger_id goes with the job, so that a reply's form
// opens as a modal. Submissions are submissionJob's.
func interactionJob(cb slackapi.InteractionCallback) (job, bool) {
	m := bot.Message{
		Platform: bot.PlatformSlack,
		ID:       cb.TriggerID,
		TeamID:   firstOf(cb.Team.ID, cb.User.TeamID),
		UserID:   cb.User.ID,
		UserName: firstOf(cb.User.Username, cb.User.Name),
	}
	if m.UserID == "" {
		return job{}, false
	}
	switch cb.Type {
	case slackapi.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			return job{}, false
		}
		act := cb.ActionCallback.BlockActions[0]
		m.Action = &bot.Action{ID: baseActionID(act.ActionID), Value: act.Value}
		m.ConversationID = firstOf(cb.Container.ChannelID, cb.Channel.ID)
		m.Shared = sharedConversation(m.ConversationID, "")
		switch {
		case m.ConversationID == "":
		case cb.Container.IsEphemeral:
			// A private answer (a slash command's) is answered privately,
			// not in a thread under it: its thread is the one it was
			// posted in, if any, as for the question it answered.
			m.ThreadID = firstOf(cb.Container.ThreadTs, cb.Message.ThreadTimestamp)
		default:
			m.ThreadID = firstOf(cb.Container.ThreadTs, cb.Message.ThreadTimestamp, cb.Container.MessageTs, cb.Message.Timestamp)
		}
		return job{msg: m, to: target{
			channel: m.ConversationID, thread: m.ThreadID, user: m.UserID,
			responseURL: cb.ResponseURL, ephemeral: cb.Container.IsEphemeral,
			trigger: cb.TriggerID,
		}}, true
	}
	return job{}, false
}

// firstOf returns the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// baseActionID strips the "#n" that uniqueActionID adds.
func baseActionID(id string) string {
	base, _, _ := strings.Cut(id, "#")
	return base
}
