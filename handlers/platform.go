package handlers

import (
	"context"
	"log/slog"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/config"
)

// A Platform is a chat platform Waymark serves: one folder under handlers/
// (handlers/slack, handlers/teams) and one line in main's list of them.
// Through it the platform declares its section of the configuration and
// its target syntax (config.Platform and its Section), its notifier and
// directory for the desk, and its routes; main wires the rest.
type Platform interface {
	config.Platform
	// Connect prepares the platform from its loaded, enabled settings s
	// (the Section its Settings returned, filled in). It starts nothing.
	Connect(s config.Section, h Host) (Connection, error)
}

// Host is what Waymark lends a platform.
type Host struct {
	Log *slog.Logger
	// Store keeps conversations and the platform's own records
	// (conversation references, invoke answers).
	Store *redisstore.Store
	// Metrics counts what the platform could not deliver; nil counts
	// nothing.
	Metrics bot.Metrics
}

// A Connection is a platform prepared to serve. Main calls Serve once the
// engine exists, mounts the routes, then calls Open; Close stops it.
type Connection interface {
	// Notifier delivers the desk's notes to the platform's people and
	// channels, or is nil when the platform has no way to post.
	Notifier() bot.Notifier
	// Directory looks up the platform's user groups, or is nil.
	Directory() bot.Directory
	// Serve prepares the platform to answer messages with h. It returns
	// the routes it answers on, which main mounts with every other route,
	// and its readiness checks. It starts nothing.
	Serve(h bot.Handler) (Endpoint, error)
	// Open starts what the platform runs (workers, Socket Mode) until ctx
	// is done or Close.
	Open(ctx context.Context) error
	// Close stops the platform: it stops accepting work and answers what
	// it accepted. It is safe to call more than once.
	Close() error
}

// Endpoint is how a platform is reached over HTTP.
type Endpoint struct {
	Routes []Route
	Checks map[string]Check
}

// Route is one HTTP endpoint: a net/http ServeMux pattern and its handler.
type Route struct {
	Pattern string
	Handler HandlerFunc
}
