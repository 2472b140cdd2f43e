// Package toyplatform is a chat platform for tests only: it shows that a
// platform is one folder and one registration. It reads the toy section
// of the configuration, answers POST /toy/messages with the engine, takes
// desk targets written toy:channel:<name>, and keeps the notes the desk
// sends it, which GET /toy/notes lists.
package toyplatform

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers"
)

// Platform is the toy platform, to add to main's list in a test.
var Platform handlers.Platform = platform{}

type platform struct{}

func (platform) Name() string { return "toy" }

func (platform) Settings() config.Section { return &Settings{Greeting: "hello"} }

// Settings are the toy section: enabled turns it on.
type Settings struct {
	On       bool   `mapstructure:"enabled"`
	Greeting string `mapstructure:"greeting"`
}

func (s *Settings) Enabled() bool { return s.On }

func (s *Settings) Check() []string {
	if s.On && s.Greeting == "" {
		return []string{"toy.greeting is needed"}
	}
	return nil
}

// Target accepts channels only: the toy has no direct messages.
func (s *Settings) Target(what string, t config.Target) (config.Target, []string) {
	if t.Kind != "channel" {
		return t, []string{what + ": toy targets are channels (toy:channel:<name>)"}
	}
	return t, nil
}

func (s *Settings) Person(_, who string) (string, []string) { return who, nil }

func (platform) Connect(sec config.Section, h handlers.Host) (handlers.Connection, error) {
	s, ok := sec.(*Settings)
	if !ok {
		return nil, fmt.Errorf("toy: settings are %T", sec)
	}
	return &connection{s: s, notes: &notes{}}, nil
}

type connection struct {
	s     *Settings
	notes *notes
	h     bot.Handler
}

// Note is one note the desk sent, as GET /toy/notes lists it.
type Note struct {
	Channel string `json:"channel"`
	Text    string `json:"text"`
}

type notes struct {
	mu   sync.Mutex
	list []Note
}

func (n *notes) Notify(_ context.Context, t bot.Target, r bot.Reply) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.list = append(n.list, Note{Channel: t.ID, Text: r.Text})
	return nil
}

func (c *connection) Notifier() bot.Notifier   { return c.notes }
func (c *connection) Directory() bot.Directory { return nil }

// Message is what POST /toy/messages takes.
type Message struct {
	User string `json:"user"`
	Text string `json:"text"`
}

// Answer is what it returns: the reply's text, greeting and the cited
// documents.
type Answer struct {
	Greeting string   `json:"greeting"`
	Text     string   `json:"text"`
	Docs     []string `json:"docs"`
}

func (c *connection) Serve(h bot.Handler) (handlers.Endpoint, error) {
	c.h = h
	return handlers.Endpoint{Routes: []handlers.Route{
		{Pattern: "POST /toy/messages", Handler: c.message},
		{Pattern: "GET /toy/notes", Handler: c.list},
	}}, nil
}

func (c *connection) message(w http.ResponseWriter, r *http.Request) error {
	var m Message
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.User == "" {
		return bot.Errorf(bot.EInvalid, "A toy message is {\"user\", \"text\"}.")
	}
	reply, err := c.h.Handle(r.Context(), bot.Message{Platform: "toy", ID: "toy-" + m.User, ConversationID: "toy-dm-" + m.User,
		UserID: m.User, UserName: m.User, Text: m.Text})
	if err != nil {
		return err
	}
	a := Answer{Greeting: c.s.Greeting, Text: reply.Text}
	for _, card := range reply.Answers {
		a.Docs = append(a.Docs, card.DocID)
	}
	return json.NewEncoder(w).Encode(a)
}

func (c *connection) list(w http.ResponseWriter, _ *http.Request) error {
	c.notes.mu.Lock()
	defer c.notes.mu.Unlock()
	return json.NewEncoder(w).Encode(c.notes.list)
}

func (c *connection) Open(context.Context) error { return nil }
func (c *connection) Close() error               { return nil }
