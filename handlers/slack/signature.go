package slack

import (
	"io"
	"net/http"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// errSignature is what a caller without a valid Slack signature is told.
var errSignature = bot.Errorf(bot.EUnauthorized, "The request does not carry a valid Slack signature.")

// verified reads r's body, at most handlers.MaxBodyBytes of it, and checks
// its Slack signature (X-Slack-Signature, an HMAC-SHA256 of the timestamp
// and body with the signing secret) and that its X-Slack-Request-Timestamp
// is within five minutes of now. It returns the body only when both hold:
// nothing of an unverified request is parsed. An oversized body is an
// *http.MaxBytesError (413); a bad signature or timestamp is EUnauthorized
// (401). The legacy verification token in payloads is never looked at.
//
// A verified request may still be a replay within the five minutes: events
// are de-duplicated on their event_id afterwards.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, handlers.MaxBodyBytes)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	sv, err := slackapi.NewSecretsVerifier(r.Header, a.cfg.SigningSecret)
	if err == nil {
		if _, err = sv.Write(body); err == nil {
			err = sv.Ensure()
		}
	}
	if err != nil {
		a.log.WarnContext(r.Context(), "slack: request rejected", "path", r.URL.Path, "reason", err.Error())
		return nil, errSignature
	}
	return body, nil
}
