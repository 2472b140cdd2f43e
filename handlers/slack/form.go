package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// Block Kit's limits for modals. Text over a limit is cut with an ellipsis.
const (
	maxViewTitle   = 24   // a modal's title, submit and close labels
	maxViewBlocks  = 100  // blocks in a modal
	maxLabel       = 2000 // an input's label and hint
	maxOptions     = 100  // options in a static select
	maxOptionText  = 75   // an option's label
	maxOptionValue = 150  // an option's value
	maxInputLength = 3000 // a plain-text input's max_length
	maxCallbackID  = 255  // a view's callback_id, an input's block_id and action_id
	maxMetadata    = 3000 // a view's private_metadata
)

// submitWait bounds how long a modal's submission waits for the handler
// before Slack is answered; Slack allows three seconds. A handler slower
// than that still finishes: the modal is closed and its answer, or why it
// failed, follows by direct message.
const submitWait = 2500 * time.Millisecond

// viewMeta is a form modal's private_metadata: the conversation the form
// was asked for in, so that its submission is a message of that
// conversation.
type viewMeta struct {
	Channel string `json:"channel"`
	Thread  string `json:"thread,omitempty"`
}

// FormView renders f as a modal: its title and submit label, callback_id
// f.ID, and one input block per field, whose block_id and action_id are the
// field's name. A select is a static_select with its Value as the initial
// option; text is a one-line plain_text_input, textarea a multi-line one,
// with the field's Value as the initial value and MaxLen as max_length. A
// field that is not Required is optional. meta becomes private_metadata
// (dropped when over Slack's 3,000 characters).
func FormView(f bot.Form, meta string) slackapi.ModalViewRequest {
	var blocks []slackapi.Block
	for _, fd := range f.Fields {
		if len(blocks) == maxViewBlocks {
			break
		}
		blocks = append(blocks, inputBlock(fd))
	}
	if len(meta) > maxMetadata {
		meta = ""
	}
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		Title:           plainText(handlers.Truncate(firstOf(f.Title, "Waymark"), maxViewTitle)),
		Submit:          plainText(handlers.Truncate(firstOf(f.SubmitLabel, "Send"), maxViewTitle)),
		Close:           plainText("Cancel"),
		CallbackID:      handlers.Truncate(f.ID, maxCallbackID),
		PrivateMetadata: meta,
		Blocks:          slackapi.Blocks{BlockSet: blocks},
	}
}

// inputBlock renders one field. A select without options becomes a text
// input, since Slack refuses an empty select.
func inputBlock(f bot.Field) *slackapi.InputBlock {
	id := handlers.Truncate(f.Name, maxCallbackID)
	var el slackapi.BlockElement
	if f.Kind == bot.FieldSelect && len(f.Options) > 0 {
		sel := slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, nil, id)
		for _, o := range f.Options[:min(len(f.Options), maxOptions)] {
			opt := slackapi.NewOptionBlockObject(handlers.Truncate(o.Value, maxOptionValue),
				plainText(handlers.Truncate(firstOf(o.Label, o.Value), maxOptionText)), nil)
			sel.Options = append(sel.Options, opt)
			if o.Value == f.Value && sel.InitialOption == nil {
				sel.InitialOption = opt
			}
		}
		el = sel
	} else {
		in := slackapi.NewPlainTextInputBlockElement(nil, id)
		in.Multiline = f.Kind == bot.FieldTextArea
		in.InitialValue = f.Value
		if f.MaxLen > 0 {
			in.MaxLength = min(f.MaxLen, maxInputLength)
			in.InitialValue = handlers.Truncate(f.Value, in.MaxLength)
		}
		el = in
	}
	var hint *slackapi.TextBlockObject
	if f.Hint != "" {
		hint = plainText(handlers.Truncate(f.Hint, maxLabel))
	}
	b := slackapi.NewInputBlock(id, plainText(handlers.Truncate(firstOf(f.Label, f.Name), maxLabel)), hint, el)
	b.Optional = !f.Required
	return b
}

// formButton is the button that opens f where a reply cannot open it as a
// modal: a direct message or a mention has no trigger_id, and a trigger may
// have expired. Pressing it gives a new trigger. Only the booking form has
// such a button: the Book button of the form's specialism (its first
// select's value).
func formButton(f bot.Form) (bot.Button, bool) {
	if f.ID != bot.ActionBook {
		return bot.Button{}, false
	}
	var specialism string
	for _, fd := range f.Fields {
		if fd.Kind == bot.FieldSelect {
			specialism = fd.Value
			break
		}
	}
	return bot.Button{ActionID: bot.ActionConsult, Label: "Open the booking form", Value: specialism, Style: bot.StylePrimary}, true
}

// openForm opens f as a modal with j's trigger_id, noting j's conversation
// in its private_metadata.
func (a *Adapter) openForm(ctx context.Context, j job, f bot.Form) error {
	meta, err := json.Marshal(viewMeta{Channel: j.msg.ConversationID, Thread: j.msg.ThreadID})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	// A rate limit is waited out only within openTimeout: the trigger
	// expires soon after.
	_, err = a.api.OpenViewContext(ctx, j.to.trigger, FormView(f, string(meta)))
	return err
}

// submissionJob maps a modal's submission (view_submission) to a job: an
// Action with the view's callback_id, and Form with the value of each
// input by its block_id (a select's selected option). With the
// conversation FormView noted in private_metadata, the message is of that
// conversation; a view of another kind has its private_metadata as the
// Action's Value, and no conversation, so it counts as shared and its
// context is the practitioner's own. The answer goes by direct message.
func submissionJob(cb slackapi.InteractionCallback) (job, bool) {
	m := bot.Message{
		Platform: bot.PlatformSlack,
		ID:       cb.TriggerID,
		TeamID:   firstOf(cb.Team.ID, cb.User.TeamID),
		UserID:   cb.User.ID,
		UserName: firstOf(cb.User.Username, cb.User.Name),
		Action:   &bot.Action{ID: cb.View.CallbackID},
		Form:     formValues(cb.View.State),
	}
	if m.UserID == "" || cb.View.CallbackID == "" {
		return job{}, false
	}
	var meta viewMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err == nil && meta.Channel != "" {
		m.ConversationID, m.ThreadID = meta.Channel, meta.Thread
		m.Shared = sharedConversation(meta.Channel, "")
	} else {
		m.Action.Value = cb.View.PrivateMetadata
		m.Shared = true
	}
	return job{msg: m, to: target{user: m.UserID}}, true
}

// formValues returns a submitted view's values by block_id: a select's
// selected option's value, an input's text ("" when left empty).
func formValues(st *slackapi.ViewState) map[string]string {
	if st == nil || len(st.Values) == 0 {
		return nil
	}
	out := make(map[string]string, len(st.Values))
	for block, actions := range st.Values {
		for _, id := range slices.Sorted(maps.Keys(actions)) {
			act := actions[id]
			v := act.Value
			if act.SelectedOption.Value != "" {
				v = act.SelectedOption.Value
			}
			out[block] = v
			break // one element to an input block
		}
	}
	return out
}

// errorBlock is the input of view to show a refusal under: the first
// multi-line text (where identifying details would be written, the booking
// form's question), else the first input, else "" when there is none.
func errorBlock(view slackapi.View) string {
	var first string
	for _, b := range view.Blocks.BlockSet {
		in, ok := b.(*slackapi.InputBlock)
		if !ok || in.BlockID == "" {
			continue
		}
		if el, ok := in.Element.(*slackapi.PlainTextInputBlockElement); ok && el.Multiline {
			return in.BlockID
		}
		if first == "" {
			first = in.BlockID
		}
	}
	if first == "" && view.State != nil && len(view.State.Values) > 0 {
		first = slices.Sorted(maps.Keys(view.State.Values))[0]
	}
	return first
}

// outcome is what the handler made of a message.
type outcome struct {
	reply bot.Reply
	err   error
}

// submit answers a modal's submission in Slack's own response, which says
// what becomes of the modal. The handler is called at once, not queued,
// and waited for up to submitWait: when it refuses the submission as
// invalid (a request with identifying details, say), the modal stays open
// with the reason under the form's text; otherwise the modal is cleared
// and the answer goes by direct message: the confirmation, or, when the
// handler failed, a short apology with what Slack may show. A handler still
// working after submitWait finishes on its own and sends its answer, even a
// refusal, by direct message. submit returns nil, nil for a submission it
// cannot map (the modal is then closed), and errClosed after Close.
func (a *Adapter) submit(cb slackapi.InteractionCallback) (*slackapi.ViewSubmissionResponse, error) {
	j, ok := submissionJob(cb)
	if !ok {
		return nil, nil
	}
	if !a.queue.Enter() {
		return nil, errClosed
	}
	defer a.queue.Leave() // Close waits for the answer, or its goroutine to start

	done := make(chan outcome, 1)
	shown := make(chan bool, 1) // whether the modal showed the refusal
	a.queue.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
		defer cancel()
		reply, err := a.handle(ctx, j)
		done <- outcome{reply, err}
		if err != nil {
			a.logRefusal(ctx, j, err)
		}
		if <-shown {
			return
		}
		if err != nil {
			reply = bot.Reply{Text: submissionError(err), Ephemeral: true}
		}
		a.reply(ctx, j, reply)
	})

	t := time.NewTimer(submitWait)
	defer t.Stop()
	select {
	case o := <-done:
		block := errorBlock(cb.View)
		switch kind := bot.ErrorKind(o.err); {
		case block == "":
		case kind == bot.EInvalid:
			shown <- true
			return slackapi.NewErrorsViewSubmissionResponse(map[string]string{block: handlers.Truncate(bot.ErrorMessage(o.err), maxLabel)}), nil
		case kind == bot.EUnavailable || kind == bot.EInternal:
			// Keep the modal, and what was typed in it, open: nothing was
			// sent, and closing it would lose the practitioner's words.
			shown <- true
			msg := "This did not go through just now; your words are still here. Please press Send again in a minute."
			return slackapi.NewErrorsViewSubmissionResponse(map[string]string{block: handlers.Truncate(msg, maxLabel)}), nil
		}
	case <-t.C:
		a.log.Warn("slack: a submission is taking long; closing the modal, the answer follows by direct message", j.attrs()...)
	}
	shown <- false
	return slackapi.NewClearViewSubmissionResponse(), nil
}

// handle calls the handler for j, turning a panic into an internal error.
func (a *Adapter) handle(ctx context.Context, j job) (r bot.Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			a.log.ErrorContext(ctx, "slack: handler panicked", append(j.attrs(), "panic", fmt.Sprint(p))...)
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return a.h.Handle(ctx, a.withName(ctx, j.msg))
}

// submissionError is what a practitioner is told, by direct message, of a
// submission that failed after its modal closed: a refusal's own reason, or
// an apology for a failure.
func submissionError(err error) string {
	switch bot.ErrorKind(err) {
	case bot.EInternal, bot.EUnavailable:
		return "Sorry, your form did not go through. " + bot.ErrorMessage(err)
	}
	return bot.ErrorMessage(err)
}
