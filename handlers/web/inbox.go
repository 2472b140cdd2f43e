package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// MaxInboxReplies is the most notes one GET /api/inbox returns; the page
// asks again for the rest.
const MaxInboxReplies = 20

// Inbox holds the notes the desk leaves for web chat sessions ("Dr Rees
// has your consultation request", relayed replies, acknowledgements), which
// the page cannot be sent while no request is open. redisstore.Store is
// the one implementation.
type Inbox interface {
	// TakeInbox removes and returns up to max of t's notes, oldest first,
	// nil when there are none; a note is returned to one caller only. It
	// returns EInvalid for a target that is not a web session and
	// EUnavailable when the notes cannot be reached. With an error it may
	// still return notes it took, which must be shown.
	TakeInbox(ctx context.Context, t bot.Target, max int) ([]bot.Reply, error)
}

// Notifications is the body of a successful GET /api/inbox?session=<id>:
//
//	{"replies": [<a Reply>, ...]}
//
// Replies are the session's waiting notes, oldest first, at most
// MaxInboxReplies, each rendered as POST /api/chat renders its Reply; an
// empty list when there are none or the chat has no inbox. Each is
// returned once: a second GET does not return it again. The session is
// checked as POST /api/chat checks it, requests another site's page makes
// are refused as there (403), though the method is GET, because reading
// the inbox empties it, and a failure is answered the same way, with
// {"error": ...} and its status. The response is never cached.
type Notifications struct {
	Replies []Reply `json:"replies"`
}

// WithInbox gives the chat the inbox GET /api/inbox takes notes from and
// returns c. Without one, that route answers with no notes. Call it before
// serving.
func (c *Chat) WithInbox(i Inbox) *Chat {
	c.inbox = i
	return c
}

// notifications answers GET /api/inbox.
func (c *Chat) notifications(w http.ResponseWriter, r *http.Request) (err error) {
	id := newID()
	w.Header().Set("X-Request-Id", id)
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	defer func() {
		if err != nil {
			status = handlers.StatusOf(err)
		}
		// The request id and status only: never the session, which is
		// all it takes to read the inbox. Polls that find nothing wrong
		// are debug: every open page asks every 10 seconds.
		level := slog.LevelDebug
		if status != http.StatusOK {
			level = slog.LevelInfo
		}
		c.log.LogAttrs(r.Context(), level, "web inbox", slog.String("request_id", id), slog.Int("status", status))
	}()

	if r.Method != http.MethodGet {
		// A GET route answers HEAD too, which would take notes and drop
		// them with the body.
		status = http.StatusMethodNotAllowed
		w.Header().Set("Allow", http.MethodGet)
		w.WriteHeader(status)
		return nil
	}
	// Taking notes changes the inbox, so the request gets the checks the
	// standard library keeps for methods that change things.
	asPost := r.WithContext(r.Context())
	asPost.Method = http.MethodPost
	if err := crossOrigin.Check(asPost); err != nil {
		return &bot.Error{Kind: bot.EForbidden, Message: "The chat only answers its own page.", Err: err}
	}
	sess, err := c.who(r)
	if err != nil {
		return err
	}
	session := r.URL.Query().Get("session")
	if sess != nil {
		session = sess.User
	} else if !sessionPattern.MatchString(session) {
		return bot.Errorf(bot.EInvalid, badSession)
	}

	out := Notifications{Replies: []Reply{}}
	if c.inbox != nil {
		t := bot.Target{Platform: bot.PlatformWeb, Kind: bot.TargetUser, ID: session}
		replies, err := c.inbox.TakeInbox(r.Context(), t, MaxInboxReplies)
		if err != nil && len(replies) == 0 {
			return fmt.Errorf("web inbox request %s: %w", id, err)
		}
		if err != nil {
			// Some notes were taken and can be shown; the rest are lost.
			c.log.LogAttrs(r.Context(), slog.LevelError, "web inbox: notes lost", slog.String("request_id", id), slog.Any("err", err))
		}
		for _, reply := range replies {
			out.Replies = append(out.Replies, render(reply))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}
