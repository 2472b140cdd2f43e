package bot

import (
	"context"
	"time"
)

// Conversation is what the engine remembers of a conversation between
// questions, so "what about out of hours?" is understood. It never holds a
// question that carried personal data.
type Conversation struct {
	LastQuestion string    // the last question answered
	LastArea     string    // the area it was answered for
	LastDocs     []string  // ids of the documents shown
	LastRef      string    // the Reply.Ref of the last answer, for feedback
	UpdatedAt    time.Time // when it was saved
}

// Profile is what the engine remembers of a practitioner.
type Profile struct {
	Area      string // the area their questions are about
	UpdatedAt time.Time
}

// Feedback verdicts.
const (
	VerdictHelpful    = "helpful"
	VerdictNotHelpful = "not_helpful"
	VerdictComment    = "comment" // a comment with no verdict
)

// Feedback is a practitioner's verdict on an answer, or a comment. It names
// the documents shown, not the question.
type Feedback struct {
	Ref     string // Reply.Ref, when about an answer
	UserKey string // a pseudonym of the user, not their platform id
	Verdict string // one of the Verdict constants
	Comment string // from the feedback command; never holds personal data
	Docs    []string
	At      time.Time
}

// Store keeps conversation state. Every method returns an EUnavailable error
// when the store cannot be reached; the engine then answers without state
// and says which features are unavailable.
type Store interface {
	// Conversation returns the conversation's state, or a zero one.
	Conversation(ctx context.Context, key string) (Conversation, error)
	// SaveConversation stores c for the conversation retention period.
	SaveConversation(ctx context.Context, key string, c Conversation) error
	// Profile returns a user's profile, or a zero one.
	Profile(ctx context.Context, userKey string) (Profile, error)
	// SaveProfile stores p for the profile retention period.
	SaveProfile(ctx context.Context, userKey string, p Profile) error
	// FirstDelivery records that the platform delivered event id, and
	// reports whether this is the first delivery. Platforms retry; only the
	// first delivery is answered.
	FirstDelivery(ctx context.Context, platform, id string) (bool, error)
	// SaveFeedback appends f to the feedback records.
	SaveFeedback(ctx context.Context, f Feedback) error
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
}
