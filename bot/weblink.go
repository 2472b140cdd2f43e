package bot

import (
	"context"
	"fmt"
	"time"
)

// WebLinker makes one-time links that sign a chat user in to the web chat
// as themselves. handlers/web's SignIn is the one implementation.
type WebLinker interface {
	// WebLink returns a link that signs p in once, and how long it stays
	// good. It returns EInvalid when links are off or p is not a chat
	// platform's user, and EUnavailable when its store cannot be reached.
	WebLink(ctx context.Context, p Person) (url string, ttl time.Duration, err error)
}

// webLink answers "web": a one-time link to the web chat, sent only where
// no one else can see it, since whoever opens it first is signed in as
// the person who asked.
func (e *Engine) webLink(ctx context.Context, m Message) (Reply, error) {
	switch {
	case e.opts.WebLinks == nil:
		return Reply{}, Errorf(EInvalid, "Waymark on the web is not set up for sign-in links here.")
	case m.Platform == PlatformWeb:
		return Reply{}, Errorf(EInvalid, "You are in the web chat already.")
	case m.Shared:
		return Reply{}, Errorf(EInvalid, "Ask me for a web link in a direct message: anyone who sees a link in a channel could open it as you.")
	}
	url, ttl, err := e.opts.WebLinks.WebLink(ctx, Person{Platform: m.Platform, TeamID: m.TeamID, UserID: m.UserID, Name: m.UserName})
	if err != nil {
		return Reply{}, err
	}
	e.log.InfoContext(ctx, "web link", "platform", m.Platform, "message", m.ID)
	return Reply{
		Text:      fmt.Sprintf("Here is your link to Waymark on the web: %s\nIt signs you in as yourself, works once and only for the next %s. Do not forward it.", url, humanDuration(ttl)),
		Ephemeral: true,
	}, nil
}
