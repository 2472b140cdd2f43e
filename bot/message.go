package bot

// Platforms a Message can come from.
const (
	PlatformSlack = "slack"
	PlatformTeams = "teams"
	PlatformWeb   = "web"
)

// Commands a practitioner can give, by slash command, mention or button.
const (
	CmdHelp     = "help"
	CmdArea     = "area"
	CmdAsk      = "ask"
	CmdContacts = "contacts"
	CmdConsult  = "consult"
	CmdFeedback = "feedback"
	CmdMy       = "my"       // the practitioner's consultation requests
	CmdEscalate = "escalate" // ask for a duty manager now
	CmdReply    = "reply"    // reply <ref> <text>: relay within a consultation
	CmdClose    = "close"    // close <ref> <outcome>: a specialist closes
	CmdHandOver = "handover" // handover <ref> <user>: a specialist hands it to another
	CmdHandBack = "handback" // handback <ref>: a specialist returns it to the queue
	CmdCancel   = "cancel"   // cancel <ref>: a requester cancels
	CmdWeb      = "web"      // a one-time link that signs in to the web chat
)

// Actions carried by buttons in a Reply.
const (
	ActionHelpful    = "feedback_helpful"     // Value: the answer reference
	ActionNotHelpful = "feedback_not_helpful" // Value: the answer reference
	ActionConsult    = "consult"              // Value: the specialism
	ActionAsk        = "ask"                  // Value: a suggested follow-up question
	ActionShowDoc    = "show_document"        // Value: a document id: the whole document, in the chat
	ActionBook       = "consult_submit"       // a submitted booking form
	ActionClaim      = "claim"                // Value: a consultation reference
	ActionUnclaim    = "unclaim"              // Value: a consultation reference
	ActionCancel     = "cancel"               // Value: a consultation reference
	ActionAck        = "acknowledge"          // Value: an escalation id
	ActionShowReq    = "show_request"         // Value: a consultation reference: where it stands
)

// Message is what a practitioner said or did, in any chat platform. Text is
// the practitioner's words: it is never logged, and never stored when it
// carries personal data.
type Message struct {
	Platform       string
	ID             string // the platform's id for this event or message, for logs and de-duplication
	ConversationID string // where to answer: a DM, channel or web session; opaque to the engine
	ThreadID       string // the thread to answer in, if any
	// Shared is true when several people use the conversation (a channel),
	// false for a direct message or a web chat session.
	Shared   bool
	UserID   string // the platform's user id
	UserName string // a handle to show people (duty managers), may be empty
	TeamID   string // the workspace or tenant, may be empty

	Command string // one of the Cmd constants; empty for a plain question
	Text    string // the question, or the command's arguments
	// Mentioned are the people the message names with the platform's
	// mentions, in order, the bot itself left out: each adapter reads its
	// platform's mention markup, so the engine never sees it.
	Mentioned []Person
	Action    *Action
	Form      map[string]string // a submitted Form's values, by field name
}

// Action is a button a practitioner pressed.
type Action struct {
	ID    string // one of the Action constants
	Value string
}

// ConversationKey identifies the conversation whose context a follow-up
// uses. In a shared channel that is one person's thread, so practitioners
// asking in the same channel never share context; in a direct message or a
// web session it is the whole conversation.
func (m Message) ConversationKey() string {
	k := m.Platform + ":" + m.TeamID + ":" + m.ConversationID
	if m.Shared {
		k += ":" + m.ThreadID + ":" + m.UserID
	}
	return k
}

// UserKey identifies a user across platforms.
func (m Message) UserKey() string {
	return m.Platform + ":" + m.TeamID + ":" + m.UserID
}
