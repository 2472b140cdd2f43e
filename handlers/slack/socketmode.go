package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// RunSocketMode connects to Slack over Socket Mode with Config.AppToken and
// handles events, slash commands and interactions until ctx is done, then
// returns nil. It is the alternative to Routes for a server Slack cannot
// reach. Each envelope is acknowledged first and then handed to the same
// queue as HTTP requests; when the queue is full, reading waits.
// It returns an EInvalid error without an app token, and the connection's
// error when Slack refuses it (a revoked token, say).
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return bot.Errorf(bot.EInvalid, "Socket Mode needs slack.app_token (xapp-...)")
	}
	api := slackapi.New(a.cfg.BotToken,
		slackapi.OptionAppLevelToken(a.cfg.AppToken),
		slackapi.OptionAPIURL(a.cfg.APIURL),
		slackapi.OptionHTTPClient(handlers.NewHTTPClient(apiTimeout)),
		retryRateLimits)
	client := socketmode.New(api, socketmode.OptionLog(logWriter{a.log}))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-done
			return nil
		case err := <-done:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

// socketEvent handles one Socket Mode event: acknowledge, then hand off.
func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	ack := func() bool {
		if evt.Request == nil {
			return false
		}
		if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
			a.log.ErrorContext(ctx, "slack: socket mode ack failed", "envelope", evt.Request.EnvelopeID, "err", err)
			return false
		}
		return true
	}
	var err error
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		if !ack() {
			return
		}
		if n := evt.Request.RetryAttempt; n > 0 {
			a.log.InfoContext(ctx, "slack: event redelivered", "retry", n, "reason", evt.Request.RetryReason)
		}
		err = a.acceptEvent(ctx, evt.Request.Payload, -1)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slackapi.SlashCommand)
		if !ack() || !ok {
			return
		}
		err = a.accept(ctx, commandJob(cmd), "", -1)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slackapi.InteractionCallback)
		if ok && cb.Type == slackapi.InteractionTypeViewSubmission && evt.Request != nil {
			// The acknowledgement carries what becomes of the modal, so the
			// submission is answered first, for at most submitWait.
			a.socketSubmit(ctx, client, evt.Request.EnvelopeID, cb)
			return
		}
		if !ack() || !ok {
			return
		}
		if j, ok := interactionJob(cb); ok {
			err = a.accept(ctx, j, "", -1)
		}
	case socketmode.EventTypeConnected:
		a.log.InfoContext(ctx, "slack: socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.WarnContext(ctx, "slack: socket mode trouble", "type", string(evt.Type))
	case socketmode.EventTypeInvalidAuth:
		a.log.ErrorContext(ctx, "slack: socket mode authentication failed; check slack.app_token")
	default:
		a.log.DebugContext(ctx, "slack: socket mode event", "type", string(evt.Type))
	}
	if err != nil && ctx.Err() == nil {
		a.log.ErrorContext(ctx, "slack: socket mode event dropped", "err", err)
	}
}

// socketSubmit answers a modal's submission and acknowledges its envelope
// with the response, as the HTTP response would carry it.
func (a *Adapter) socketSubmit(ctx context.Context, client *socketmode.Client, envelopeID string, cb slackapi.InteractionCallback) {
	resp, err := a.submit(cb)
	var payload any
	if resp != nil {
		payload = resp
	}
	if err != nil {
		a.log.ErrorContext(ctx, "slack: socket mode submission refused", "envelope", envelopeID, "err", err)
	}
	if err := client.AckCtx(ctx, envelopeID, payload); err != nil {
		a.log.ErrorContext(ctx, "slack: socket mode ack failed", "envelope", envelopeID, "err", err)
	}
}

// logWriter sends slack-go's Socket Mode log lines to slog at debug level;
// slack-go only writes them when its own debugging is on, which it is not.
type logWriter struct{ log *slog.Logger }

func (l logWriter) Output(_ int, s string) error {
	l.log.Debug("slack: socketmode", "line", s)
	return nil
}
